#include "imgproc/checksum.h"

#include <array>

namespace imgproc {

namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
  return table;
}

constexpr auto kCrcTable = make_crc_table();

} // namespace

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) {
    crc = kCrcTable[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);
  }
  return ~crc;
}

std::uint32_t adler32(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  while (size > 0) {
    // 5552 is the largest block for which b cannot overflow before the modulo.
    std::size_t block = size < 5552 ? size : 5552;
    size -= block;
    for (std::size_t i = 0; i < block; ++i) {
      a += data[i];
      b += a;
    }
    data += block;
    a %= kMod;
    b %= kMod;
  }
  return (b << 16) | a;
}

} // namespace imgproc
