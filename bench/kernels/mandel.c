/* An escape-time fractal (the Mandelbrot set) in 4.28 fixed point: the inner
 * loop is integer multiplies, shifts and a data-dependent exit, and the result
 * is exact (no floating-point contraction can change an iteration count). */
#include <stdint.h>
#include <stdio.h>

#define W 800
#define H 600
#define MAX_ITER 1000
#define FRAC 28

int main(void) {
  const int64_t one = (int64_t)1 << FRAC;
  const int64_t x0 = -2 * one - one / 2, x1 = one;
  const int64_t y0 = -one - one / 8, y1 = one + one / 8;
  uint64_t total = 0;
  uint32_t inside = 0;
  uint64_t hash = 1469598103934665603ull;
  for (int py = 0; py < H; ++py) {
    int64_t ci = y0 + (y1 - y0) * py / H;
    for (int px = 0; px < W; ++px) {
      int64_t cr = x0 + (x1 - x0) * px / W;
      int64_t zr = 0, zi = 0;
      int it = 0;
      while (it < MAX_ITER) {
        int64_t zr2 = (zr * zr) >> FRAC;
        int64_t zi2 = (zi * zi) >> FRAC;
        if (zr2 + zi2 > 4 * one) {
          break;
        }
        zi = ((zr * zi) >> (FRAC - 1)) + ci;
        zr = zr2 - zi2 + cr;
        ++it;
      }
      total += (uint64_t)it;
      inside += it == MAX_ITER;
      hash = (hash ^ (uint64_t)it) * 1099511628211ull;
    }
  }
  printf("mandel iterations %llu inside %u hash %llu\n", (unsigned long long)total, inside,
         (unsigned long long)hash);
  return 0;
}
