// Transfer: winners already in the database that seed the search for a TU.
// Pure function, unit-tested.
#pragma once

#include "cache/records.h"

#include <string>
#include <vector>

namespace llmcc {

// Winners on this compiler and hardware class: the same source's first, then up
// to five others, in database order.
std::vector<TuneConfig> transfer_seeds(const std::vector<WinnerRecord>& winners, const std::string& compiler_id,
                                       const std::string& hw_class, const std::string& source_rel);

} // namespace llmcc
