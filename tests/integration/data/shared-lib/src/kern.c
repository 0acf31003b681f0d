#include "kern.h"
// A prefix-sum and mix over the array: -O1 keeps it scalar, -O3 unrolls it.
unsigned kern_sum(const unsigned* a, unsigned n, unsigned rounds) {
  unsigned acc = 1;
  for (unsigned r = 0; r < rounds; ++r) {
    unsigned prefix = r;
    for (unsigned i = 0; i < n; ++i) {
      prefix += a[i];
      acc ^= prefix * 2654435761u;
    }
  }
  return acc;
}
