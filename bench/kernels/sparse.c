/* Sparse matrix-vector product in CSR form (y = A x), repeated with a slowly
 * changing x: indirect loads through the column index array dominate. Matrix and
 * vector entries are small integers, so every sum is exact in double and the
 * checksum does not depend on FMA contraction or evaluation order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ROWS 200000
#define PER_ROW 12
#define REPS 80

static uint32_t lcg_state = 31337;

static uint32_t lcg_next(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state >> 8;
}

static void spmv(int rows, const int *row_ptr, const int *col, const double *val, const double *x, double *y) {
  for (int r = 0; r < rows; ++r) {
    double acc = 0.0;
    for (int k = row_ptr[r]; k < row_ptr[r + 1]; ++k) {
      acc += val[k] * x[col[k]];
    }
    y[r] = acc;
  }
}

int main(void) {
  int *row_ptr = malloc(sizeof(int) * (ROWS + 1));
  int *col = malloc(sizeof(int) * ROWS * PER_ROW);
  double *val = malloc(sizeof(double) * ROWS * PER_ROW);
  double *x = malloc(sizeof(double) * ROWS);
  double *y = malloc(sizeof(double) * ROWS);
  if (!row_ptr || !col || !val || !x || !y) {
    return 1;
  }
  int nnz = 0;
  for (int r = 0; r < ROWS; ++r) {
    row_ptr[r] = nnz;
    /* A band near the diagonal plus a few far entries, like a discretised PDE
     * with long-range couplings; row lengths vary from 4 to PER_ROW. */
    int len = 4 + (int)(lcg_next() % (PER_ROW - 3));
    for (int k = 0; k < len; ++k) {
      int c = k < 3 ? r + k - 1 : (int)(lcg_next() % ROWS);
      if (c < 0) {
        c += ROWS;
      }
      if (c >= ROWS) {
        c -= ROWS;
      }
      col[nnz] = c;
      val[nnz] = (double)((int)(lcg_next() % 9) - 4);
      ++nnz;
    }
  }
  row_ptr[ROWS] = nnz;
  for (int i = 0; i < ROWS; ++i) {
    x[i] = (double)(lcg_next() % 16);
  }
  double checksum = 0.0;
  for (int rep = 0; rep < REPS; ++rep) {
    spmv(ROWS, row_ptr, col, val, x, y);
    double s = 0.0;
    for (int i = 0; i < ROWS; i += 7) {
      s += y[i];
    }
    checksum += s;
    /* Change x a little, keeping its entries small integers. */
    for (int i = rep; i < ROWS; i += 97) {
      x[i] = (double)(((int)x[i] + 5) % 16);
    }
  }
  printf("sparse checksum %.1f nnz %d y[12345]=%.1f\n", checksum, nnz, y[12345]);
  free(row_ptr);
  free(col);
  free(val);
  free(x);
  free(y);
  return 0;
}
