// A grey-scale image and deterministic test patterns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imgproc {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels; // row-major, width * height

  Image() = default;
  Image(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h) {}
  std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  std::uint8_t& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// Same pixels on every machine: an xorshift pattern mixed with gradients.
Image make_test_image(int width, int height, std::uint32_t seed);

} // namespace imgproc
