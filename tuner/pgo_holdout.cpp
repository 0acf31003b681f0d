#include "tuner/pgo_holdout.h"

#include <algorithm>

namespace llmcc {

std::optional<Candidate> holdout_rival_to_confirm(const std::vector<Candidate>& sorted,
                                                  const std::vector<Candidate>& list, double threshold) {
  auto uses_profile = [](const Candidate& c) { return c.config.uses_profile(); };
  if (list.empty() || !std::all_of(list.begin(), list.end(), uses_profile)) {
    return std::nullopt;
  }
  for (const auto& c : sorted) {
    if (c.speedup <= 1 + threshold) {
      break;
    }
    if (!uses_profile(c)) {
      return c;
    }
  }
  return std::nullopt;
}

} // namespace llmcc
