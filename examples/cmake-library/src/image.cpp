#include "imgproc/image.h"

namespace imgproc {

Image make_test_image(int width, int height, std::uint32_t seed) {
  Image img(width, height);
  std::uint32_t state = seed ? seed : 0x12345678u;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      // Gradients give the filters real structure; the noise keeps them honest.
      unsigned v = (static_cast<unsigned>(x) * 3u + static_cast<unsigned>(y) * 5u) % 256u;
      img.at(x, y) = static_cast<std::uint8_t>((v * 3u + (state & 0xffu)) / 4u);
    }
  }
  return img;
}

} // namespace imgproc
