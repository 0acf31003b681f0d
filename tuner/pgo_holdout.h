// The PGO overfitting guard's rival: a PGO winner that loses on the holdout
// input (tu_tuning's choose) gives way to the best confirmed winner without a
// profile. Confirmation re-measures only the best few candidates, so when
// those all use a profile, the best one without is confirmed too: else the
// guard could only fall back to the plain build, throwing away a flag gain
// that did not depend on the training input.
#pragma once

#include "tuner/confirmation.h"

#include <optional>
#include <vector>

namespace llmcc {

// The candidate of `sorted` (best screening first) to confirm in addition to
// `list`: the best one without a profile that beats 1 + threshold, when `list`
// holds a PGO candidate and none without a profile. nullopt otherwise.
std::optional<Candidate> holdout_rival_to_confirm(const std::vector<Candidate>& sorted,
                                                  const std::vector<Candidate>& list, double threshold);

} // namespace llmcc
