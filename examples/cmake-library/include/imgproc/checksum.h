// Checksums of byte buffers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace imgproc {

// CRC-32 (IEEE 802.3, reflected, as in zlib): crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);
// Adler-32 (as in zlib): adler32("Wikipedia") == 0x11E60398.
std::uint32_t adler32(const std::uint8_t* data, std::size_t size);

} // namespace imgproc
