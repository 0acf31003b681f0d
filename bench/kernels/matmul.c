/* Naive triple-loop double matrix multiply (i-j-k order, the strided access of
 * textbook code). Entries are small integers, so every product and partial sum is
 * exact in double: the checksum is the same whether or not the compiler contracts
 * a*b+c into an FMA (-march=native) or vectorises the loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 750

static uint32_t lcg_state = 2024;

static int lcg_small(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return (int)((lcg_state >> 16) % 17) - 8;
}

static void matmul(const double *a, const double *b, double *c) {
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) {
      double acc = 0.0;
      for (int k = 0; k < N; ++k) {
        acc += a[i * N + k] * b[k * N + j];
      }
      c[i * N + j] = acc;
    }
  }
}

int main(void) {
  double *a = malloc(sizeof(double) * N * N);
  double *b = malloc(sizeof(double) * N * N);
  double *c = malloc(sizeof(double) * N * N);
  if (!a || !b || !c) {
    return 1;
  }
  for (int i = 0; i < N * N; ++i) {
    a[i] = lcg_small();
    b[i] = lcg_small();
  }
  matmul(a, b, c);
  double sum = 0.0, weighted = 0.0;
  for (int i = 0; i < N * N; ++i) {
    sum += c[i];
    weighted += c[i] * (double)(i % 13);
  }
  printf("matmul checksum %.1f %.1f c[17][29]=%.1f\n", sum, weighted, c[17 * N + 29]);
  free(a);
  free(b);
  free(c);
  return 0;
}
