#include "imgproc/matrix.h"

namespace imgproc {

Matrix identity(int n) {
  Matrix m(n, n);
  for (int i = 0; i < n; ++i) {
    m.at(i, i) = 1;
  }
  return m;
}

Matrix make_test_matrix(int rows, int cols, std::uint32_t seed) {
  Matrix m(rows, cols);
  std::uint32_t state = seed ? seed : 1u;
  for (auto& v : m.data) {
    state = state * 1664525u + 1013904223u;
    v = state >> 24;
  }
  return m;
}

Matrix multiply(const Matrix& a, const Matrix& b) {
  Matrix c(a.rows, b.cols);
  // i-k-j order walks b and c row by row, which vectorises.
  for (int i = 0; i < a.rows; ++i) {
    for (int k = 0; k < a.cols; ++k) {
      const std::uint32_t aik = a.at(i, k);
      for (int j = 0; j < b.cols; ++j) {
        c.at(i, j) += aik * b.at(k, j);
      }
    }
  }
  return c;
}

} // namespace imgproc
