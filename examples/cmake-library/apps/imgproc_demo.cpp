// Runs every part of the library once and prints results that are identical on
// every machine and for every compiler flag set (all arithmetic is integer).
#include <cstdio>

#include "imgproc/checksum.h"
#include "imgproc/filters.h"
#include "imgproc/matrix.h"
#include "imgproc/rle.h"

namespace {

std::uint32_t crc_of(const imgproc::Image& img) { return imgproc::crc32(img.pixels.data(), img.pixels.size()); }

} // namespace

int main() {
  using namespace imgproc;
  const Image img = make_test_image(320, 240, 42);
  std::printf("image crc32: %08x\n", crc_of(img));
  std::printf("box_blur(2) crc32: %08x\n", crc_of(box_blur(img, 2)));
  std::printf("sobel crc32: %08x\n", crc_of(sobel(img)));
  std::printf("sharpen crc32: %08x\n", crc_of(sharpen(img)));
  const auto bins = histogram(img);
  std::printf("histogram adler32: %08x\n",
              adler32(reinterpret_cast<const std::uint8_t*>(bins.data()), bins.size() * sizeof(bins[0])));

  const Matrix a = make_test_matrix(64, 48, 7);
  const Matrix b = make_test_matrix(48, 64, 9);
  const Matrix c = multiply(a, b);
  std::printf("matrix crc32: %08x\n",
              crc32(reinterpret_cast<const std::uint8_t*>(c.data.data()), c.data.size() * sizeof(c.data[0])));

  // Blurred, posterised images compress well; the RLE round trip must give them back.
  Image smooth = box_blur(box_blur(img, 4), 4);
  for (auto& p : smooth.pixels) {
    p = static_cast<std::uint8_t>(p & 0xe0u);
  }
  const auto packed = rle_encode(smooth.pixels);
  std::vector<std::uint8_t> unpacked;
  const bool ok = rle_decode(packed, unpacked) && unpacked == smooth.pixels;
  std::printf("rle: %zu -> %zu bytes, round trip %s\n", smooth.pixels.size(), packed.size(), ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
