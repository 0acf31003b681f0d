#include <stdio.h>
#include <stdlib.h>
#include "kern.h"
int main(int argc, char** argv) {
  unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
  static unsigned a[4096];
  for (unsigned i = 0; i < 4096; ++i) a[i] = kern_seed(i);
  printf("%u\n", kern_sum(a, 4096, rounds));
  return 0;
}
