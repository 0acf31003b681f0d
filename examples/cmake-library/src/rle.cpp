#include "imgproc/rle.h"

namespace imgproc {

std::vector<std::uint8_t> rle_encode(const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out;
  std::size_t i = 0;
  while (i < in.size()) {
    std::uint8_t value = in[i];
    std::size_t run = 1;
    while (i + run < in.size() && in[i + run] == value && run < 255) {
      ++run;
    }
    out.push_back(static_cast<std::uint8_t>(run));
    out.push_back(value);
    i += run;
  }
  return out;
}

bool rle_decode(const std::vector<std::uint8_t>& in, std::vector<std::uint8_t>& out) {
  out.clear();
  if (in.size() % 2 != 0) {
    return false;
  }
  for (std::size_t i = 0; i < in.size(); i += 2) {
    if (in[i] == 0) {
      return false;
    }
    out.insert(out.end(), in[i], in[i + 1]);
  }
  return true;
}

} // namespace imgproc
