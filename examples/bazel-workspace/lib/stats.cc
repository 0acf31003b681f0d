#include "lib/stats.h"

#include <algorithm>

namespace stats {

std::vector<std::uint32_t> make_sequence(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint32_t> v(n);
  std::uint32_t state = seed ? seed : 1u;
  for (auto& x : v) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    x = state % 1000003u;
  }
  return v;
}

std::uint64_t sum_of_squares(const std::vector<std::uint32_t>& v) {
  std::uint64_t s = 0;
  for (auto x : v) {
    s += static_cast<std::uint64_t>(x) * x;
  }
  return s;
}

std::uint64_t count_inversions(std::vector<std::uint32_t> v) {
  std::vector<std::uint32_t> tmp(v.size());
  std::uint64_t inversions = 0;
  // Bottom-up merge sort: no recursion, so deep inputs cannot overflow the stack.
  for (std::size_t width = 1; width < v.size(); width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      std::size_t mid = std::min(lo + width, v.size());
      std::size_t hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo;
      std::size_t j = mid;
      std::size_t k = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          inversions += mid - i;
          tmp[k++] = v[j++];
        } else {
          tmp[k++] = v[i++];
        }
      }
      while (i < mid) {
        tmp[k++] = v[i++];
      }
      while (j < hi) {
        tmp[k++] = v[j++];
      }
    }
    v.swap(tmp);
  }
  return inversions;
}

} // namespace stats
