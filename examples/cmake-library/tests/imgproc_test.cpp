// Self-contained checks (no test framework, so the example has no test dependency).
// Exit code 0 means every check passed; usable as `llmcc tune --verify`.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "imgproc/checksum.h"
#include "imgproc/filters.h"
#include "imgproc/matrix.h"
#include "imgproc/rle.h"

namespace {

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++g_failures;
  }
}

const std::uint8_t* bytes(const char* s) { return reinterpret_cast<const std::uint8_t*>(s); }

} // namespace

int main() {
  using namespace imgproc;
  // Published check values.
  check(crc32(bytes("123456789"), 9) == 0xCBF43926u, "crc32 check value");
  check(adler32(bytes("Wikipedia"), 9) == 0x11E60398u, "adler32 check value");
  check(crc32(bytes("56789"), 5, crc32(bytes("1234"), 4)) == 0xCBF43926u, "crc32 is incremental");

  // A constant image is a fixed point of blur and sharpen, and has no edges.
  Image flat(37, 23);
  std::memset(flat.pixels.data(), 77, flat.pixels.size());
  check(box_blur(flat, 3).pixels == flat.pixels, "blur of a flat image");
  check(sharpen(flat).pixels == flat.pixels, "sharpen of a flat image");
  const Image edges = sobel(flat);
  bool all_zero = true;
  for (auto p : edges.pixels) {
    all_zero = all_zero && p == 0;
  }
  check(all_zero, "sobel of a flat image");
  check(histogram(flat)[77] == 37u * 23u, "histogram of a flat image");

  // Blur preserves the mean up to rounding.
  const Image img = make_test_image(64, 64, 3);
  const Image blurred = box_blur(img, 1);
  long long sum_in = 0;
  long long sum_out = 0;
  for (std::size_t i = 0; i < img.pixels.size(); ++i) {
    sum_in += img.pixels[i];
    sum_out += blurred.pixels[i];
  }
  check(sum_in - sum_out >= 0 && sum_in - sum_out <= static_cast<long long>(img.pixels.size()),
        "blur keeps the mean");

  // Matrix identities.
  const Matrix m = make_test_matrix(17, 17, 5);
  check(multiply(m, identity(17)).data == m.data, "m * I == m");
  check(multiply(identity(17), m).data == m.data, "I * m == m");
  const Matrix a = make_test_matrix(9, 4, 1);
  const Matrix b = make_test_matrix(4, 6, 2);
  const Matrix c = multiply(a, b);
  std::uint32_t expect = 0;
  for (int k = 0; k < 4; ++k) {
    expect += a.at(3, k) * b.at(k, 5);
  }
  check(c.rows == 9 && c.cols == 6 && c.at(3, 5) == expect, "matrix element");

  // RLE round trips, including runs longer than 255.
  std::vector<std::uint8_t> data(1000 + img.pixels.size(), 9);
  std::copy(img.pixels.begin(), img.pixels.end(), data.begin() + 1000);
  std::vector<std::uint8_t> back;
  check(rle_decode(rle_encode(data), back) && back == data, "rle round trip");
  check(!rle_decode({1, 2, 3}, back), "rle rejects odd input");
  check(!rle_decode({0, 2}, back), "rle rejects zero runs");

  if (g_failures == 0) {
    std::printf("all imgproc checks passed\n");
  }
  return g_failures == 0 ? 0 : 1;
}
