// Where a winner came from, in words, for `llmcc show` and `llmcc explain`.
#pragma once

#include "cache/records.h"

#include <string>

namespace llmcc {

// "tuned here (session 3)", "imported from /x/team.llmcc (exported by host H,
// class C, llmcc V); tuned on host H, not re-measured on this machine", or
// "pulled from http://store/..." likewise. `this_host` decides whether it was
// measured here.
std::string describe_provenance(const WinnerRecord& w, const std::string& this_host);

} // namespace llmcc
