#include <stdio.h>
#include <stdlib.h>
#include "k.h"
int main(int argc, char** argv) {
  unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
  static unsigned a[4096];
  for (unsigned i = 0; i < 4096; ++i) a[i] = i * 2654435761u;
  printf("%u %u %u\n", hot(a, 4096, rounds), warm(a, 4096, rounds), cold(rounds));
  return 0;
}
