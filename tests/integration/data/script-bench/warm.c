#include "k.h"
unsigned warm(const unsigned* a, unsigned n, unsigned rounds) {
  unsigned s = 7;
  for (unsigned r = 0; r < rounds; ++r) {
    for (unsigned i = 0; i < n; i += 4) {
      s = s * 31u + a[i];
    }
  }
  return s;
}
