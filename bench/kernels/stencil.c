/* 2D Jacobi relaxation on a square grid with fixed boundary values.
 * Each sweep adds the four neighbours, then scales: no multiply-add a compiler
 * could contract into an FMA, and no reassociation under safe flags, so the
 * checksum is bit-identical at every optimisation level. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 512
#define SWEEPS 3000

static uint64_t lcg_state = 12345;

static double lcg_unit(void) {
  lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(lcg_state >> 11) / 9007199254740992.0;
}

static void sweep(const double *restrict in, double *restrict out) {
  for (int i = 1; i < N - 1; ++i) {
    for (int j = 1; j < N - 1; ++j) {
      out[i * N + j] = (in[(i - 1) * N + j] + in[(i + 1) * N + j] + in[i * N + j - 1] + in[i * N + j + 1]) * 0.25;
    }
  }
}

int main(void) {
  double *a = malloc(sizeof(double) * N * N);
  double *b = malloc(sizeof(double) * N * N);
  if (!a || !b) {
    return 1;
  }
  for (int i = 0; i < N * N; ++i) {
    a[i] = lcg_unit();
  }
  /* Hot and cold edges keep the solution from flattening out. */
  for (int k = 0; k < N; ++k) {
    a[k] = 1.0;
    a[(N - 1) * N + k] = 0.0;
    a[k * N] = 0.5;
    a[k * N + N - 1] = 0.25;
  }
  for (int i = 0; i < N * N; ++i) {
    b[i] = a[i];
  }
  for (int s = 0; s < SWEEPS; s += 2) {
    sweep(a, b);
    sweep(b, a);
  }
  double sum = 0.0;
  for (int i = 0; i < N * N; ++i) {
    sum += a[i];
  }
  printf("stencil checksum %.10e center %.10e\n", sum, a[(N / 2) * N + N / 2]);
  free(a);
  free(b);
  return 0;
}
