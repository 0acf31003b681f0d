#include "imgproc/filters.h"

#include <algorithm>
#include <cstdlib>

namespace imgproc {

namespace {

int clamp_index(int i, int n) { return std::min(std::max(i, 0), n - 1); }

} // namespace

Image box_blur(const Image& in, int radius) {
  const int w = in.width;
  const int h = in.height;
  const unsigned window = 2u * static_cast<unsigned>(radius) + 1u;
  std::vector<std::uint16_t> sums(static_cast<std::size_t>(w) * h);
  // Horizontal pass keeps 16-bit partial sums; the vertical pass divides once.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      unsigned s = 0;
      for (int k = -radius; k <= radius; ++k) {
        s += in.at(clamp_index(x + k, w), y);
      }
      sums[static_cast<std::size_t>(y) * w + x] = static_cast<std::uint16_t>(s);
    }
  }
  Image out(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      unsigned s = 0;
      for (int k = -radius; k <= radius; ++k) {
        s += sums[static_cast<std::size_t>(clamp_index(y + k, h)) * w + x];
      }
      out.at(x, y) = static_cast<std::uint8_t>(s / (window * window));
    }
  }
  return out;
}

Image sobel(const Image& in) {
  const int w = in.width;
  const int h = in.height;
  Image out(w, h);
  for (int y = 1; y < h - 1; ++y) {
    for (int x = 1; x < w - 1; ++x) {
      int gx = -in.at(x - 1, y - 1) - 2 * in.at(x - 1, y) - in.at(x - 1, y + 1) + in.at(x + 1, y - 1) +
               2 * in.at(x + 1, y) + in.at(x + 1, y + 1);
      int gy = -in.at(x - 1, y - 1) - 2 * in.at(x, y - 1) - in.at(x + 1, y - 1) + in.at(x - 1, y + 1) +
               2 * in.at(x, y + 1) + in.at(x + 1, y + 1);
      out.at(x, y) = static_cast<std::uint8_t>(std::min(std::abs(gx) + std::abs(gy), 255));
    }
  }
  return out;
}

Image sharpen(const Image& in) {
  const int w = in.width;
  const int h = in.height;
  Image out = in;
  for (int y = 1; y < h - 1; ++y) {
    for (int x = 1; x < w - 1; ++x) {
      int v = 5 * in.at(x, y) - in.at(x - 1, y) - in.at(x + 1, y) - in.at(x, y - 1) - in.at(x, y + 1);
      out.at(x, y) = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
    }
  }
  return out;
}

std::vector<std::uint32_t> histogram(const Image& in) {
  std::vector<std::uint32_t> bins(256);
  for (std::uint8_t p : in.pixels) {
    ++bins[p];
  }
  return bins;
}

} // namespace imgproc
