#include "kernel.h"

#include <math.h>

uint64_t isqrt_sum(const uint32_t* v, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    /* Correctly rounded double sqrt of a 32-bit integer never lands just below an
     * integer, so the truncation is exact under every flag set. */
    sum += (uint64_t)sqrt((double)v[i]);
  }
  return sum;
}

void blur3x3(const uint16_t* in, uint16_t* out, int w, int h) {
  for (int x = 0; x < w; ++x) {
    out[x] = in[x];
    out[(size_t)(h - 1) * w + x] = in[(size_t)(h - 1) * w + x];
  }
  for (int y = 1; y < h - 1; ++y) {
    const uint16_t* up = in + (size_t)(y - 1) * w;
    const uint16_t* mid = in + (size_t)y * w;
    const uint16_t* down = in + (size_t)(y + 1) * w;
    uint16_t* row = out + (size_t)y * w;
    row[0] = mid[0];
    row[w - 1] = mid[w - 1];
    for (int x = 1; x < w - 1; ++x) {
      uint32_t s = up[x - 1] + 2u * up[x] + up[x + 1] + 2u * mid[x - 1] + 4u * mid[x] + 2u * mid[x + 1] +
                   down[x - 1] + 2u * down[x] + down[x + 1];
      row[x] = (uint16_t)(s >> 4);
    }
  }
}

uint64_t abs_diff_sum(const uint16_t* a, const uint16_t* b, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    int d = (int)a[i] - (int)b[i];
    sum += (uint64_t)(d < 0 ? -d : d);
  }
  return sum;
}
