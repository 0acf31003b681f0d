// Byte-oriented run-length coding: (count, value) pairs with count in 1..255.
#pragma once

#include <cstdint>
#include <vector>

namespace imgproc {

std::vector<std::uint8_t> rle_encode(const std::vector<std::uint8_t>& in);
// Returns false on malformed input (odd length or a zero count).
bool rle_decode(const std::vector<std::uint8_t>& in, std::vector<std::uint8_t>& out);

} // namespace imgproc
