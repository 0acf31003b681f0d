/* A C TU in the same library, so the wrapper sees both languages. */
#include "lib/format.h"

#include <stdio.h>

int format_hex64(char* out, unsigned long n, unsigned long long v) {
  return snprintf(out, n, "%016llx", v);
}
