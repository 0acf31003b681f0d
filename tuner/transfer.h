// Transfer: winners already in the database that seed the search for a TU.
// Pure function, unit-tested.
#pragma once

#include "cache/records.h"

#include <string>
#include <vector>

namespace llmcc {

// Winners of the same source (any of its TU keys) on this compiler and hardware
// class, the latest first; winners of other TUs are not transferred.
std::vector<TuneConfig> transfer_seeds(const std::vector<WinnerRecord>& winners, const std::string& compiler_id,
                                       const std::string& hw_class, const std::string& source_rel);

} // namespace llmcc
