// Integer statistics over a deterministic sequence (exact under any flags).
#pragma once

#include <cstdint>
#include <vector>

namespace stats {

std::vector<std::uint32_t> make_sequence(std::size_t n, std::uint32_t seed);
std::uint64_t sum_of_squares(const std::vector<std::uint32_t>& v);
// Number of inversions (pairs i < j with v[i] > v[j]), by merge sort.
std::uint64_t count_inversions(std::vector<std::uint32_t> v);

} // namespace stats
