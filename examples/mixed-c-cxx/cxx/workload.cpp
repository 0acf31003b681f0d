#include "workload.h"

#include "record.h"

namespace mixed {

std::uint64_t run_workload(int iterations) {
  std::uint64_t digest = 1469598103934665603ull;
  std::uint64_t state = 88172645463325252ull;
  for (int i = 0; i < iterations; ++i) {
    Record r;
    r.name = "record-" + std::to_string(i);
    for (int k = 0; k < 16; ++k) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      r.values.push_back(state >> (k * 4 % 64));
    }
    const std::string text = serialize(r);
    const auto back = deserialize(text);
    if (!back || !(*back == r)) {
      return 0;
    }
    for (char c : text) {
      digest = (digest ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
  }
  return digest;
}

} // namespace mixed
