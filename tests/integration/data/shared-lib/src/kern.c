#include "kern.h"
unsigned kern_sum(const unsigned* a, unsigned n, unsigned rounds) {
  unsigned s = 0;
  for (unsigned r = 0; r < rounds; ++r) {
    for (unsigned i = 0; i < n; ++i) {
      s += a[i] * 3u + (a[i] >> 2) + r;
    }
  }
  return s;
}
