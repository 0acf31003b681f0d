/* A 1-D radix-2 complex FFT (iterative, bit-reversal then butterflies) used to
 * multiply two polynomials of small integer coefficients. Rounding the inverse
 * transform back to integers makes the printed result exact under any safe
 * floating-point code generation (FMA contraction included). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define LOG2N 16
#define N (1 << LOG2N)
#define ROUNDS 30

static double re_a[N], im_a[N], re_b[N], im_b[N];

static void fft(double *re, double *im, int inverse) {
  for (int i = 1, j = 0; i < N; ++i) {
    int bit = N >> 1;
    for (; j & bit; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (int len = 2; len <= N; len <<= 1) {
    double angle = 2 * M_PI / len * (inverse ? -1 : 1);
    double wr = cos(angle), wi = sin(angle);
    for (int i = 0; i < N; i += len) {
      double cr = 1.0, ci = 0.0;
      for (int k = 0; k < len / 2; ++k) {
        int a = i + k, b = i + k + len / 2;
        double xr = re[b] * cr - im[b] * ci;
        double xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        double t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
  if (inverse) {
    for (int i = 0; i < N; ++i) {
      re[i] /= N;
      im[i] /= N;
    }
  }
}

int main(void) {
  uint32_t rng = 7u;
  uint64_t checksum = 0;
  int64_t peak = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    for (int i = 0; i < N; ++i) {
      rng = rng * 1103515245u + 12345u;
      re_a[i] = i < N / 2 ? (double)((rng >> 16) % 10) : 0.0;
      re_b[i] = i < N / 2 ? (double)((rng >> 24) % 10) : 0.0;
      im_a[i] = im_b[i] = 0.0;
    }
    fft(re_a, im_a, 0);
    fft(re_b, im_b, 0);
    for (int i = 0; i < N; ++i) {
      double xr = re_a[i] * re_b[i] - im_a[i] * im_b[i];
      double xi = re_a[i] * im_b[i] + im_a[i] * re_b[i];
      re_a[i] = xr;
      im_a[i] = xi;
    }
    fft(re_a, im_a, 1);
    for (int i = 0; i < N; ++i) {
      int64_t c = llround(re_a[i]);
      checksum = checksum * 1000003u + (uint64_t)c;
      peak = c > peak ? c : peak;
    }
  }
  printf("fft n %d checksum %llu peak %lld\n", N, (unsigned long long)checksum, (long long)peak);
  return 0;
}
