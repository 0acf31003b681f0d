// Small dense integer matrices (wrap-around arithmetic, so results are exact).
#pragma once

#include <cstdint>
#include <vector>

namespace imgproc {

struct Matrix {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint32_t> data; // row-major

  Matrix() = default;
  Matrix(int r, int c) : rows(r), cols(c), data(static_cast<std::size_t>(r) * c) {}
  std::uint32_t& at(int r, int c) { return data[static_cast<std::size_t>(r) * cols + c]; }
  std::uint32_t at(int r, int c) const { return data[static_cast<std::size_t>(r) * cols + c]; }
};

Matrix identity(int n);
Matrix make_test_matrix(int rows, int cols, std::uint32_t seed);
// a * b; a.cols must equal b.rows.
Matrix multiply(const Matrix& a, const Matrix& b);

} // namespace imgproc
