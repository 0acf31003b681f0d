#include <stdio.h>
#include <stdlib.h>
unsigned long kern(unsigned long, unsigned);
int main(int c, char **v) {
  unsigned long n = c > 1 ? strtoul(v[1], 0, 10) : 200000;
  unsigned hot = c > 2 ? (unsigned)strtoul(v[2], 0, 10) : 1u;
  printf("%lu\n", kern(n, hot));
  return 0;
}
