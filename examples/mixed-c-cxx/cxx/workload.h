// A repeatable workload over both languages, for the demo and for benchmarking.
#pragma once

#include <cstdint>

namespace mixed {

// Serializes and parses `iterations` generated records; returns a digest of
// every encoded string (identical for any flags), or 0 if a round trip failed.
std::uint64_t run_workload(int iterations);

} // namespace mixed
