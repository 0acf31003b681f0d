// The PGO overfitting guard: the profile was trained on the benchmark itself,
// so a second input decides whether a PGO winner stands (tu_tuning's choose).
//
// Its rival: a PGO winner that loses on the holdout input gives way to the
// best confirmed winner without a profile. Confirmation re-measures only the
// best few candidates, so when those all use a profile, the best one without
// is confirmed too: else the guard could only fall back to the plain build,
// throwing away a flag gain that did not depend on the training input.
#pragma once

#include "tuner/ab_measure.h"
#include "tuner/confirmation.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// The candidate of `sorted` (best screening first) to confirm in addition to
// `list`: the best one without a profile that beats 1 + threshold, when `list`
// holds a PGO candidate and none without a profile. nullopt otherwise.
std::optional<Candidate> holdout_rival_to_confirm(const std::vector<Candidate>& sorted,
                                                  const std::vector<Candidate>& list, double threshold);

// The holdout input: --bench-holdout (read like the benchmark), else, with
// PGO on and an objective that runs the program, the --verify command scored
// with the objective: its CPU time (format "time", since no benchmark format
// reads a score from a test run) or its instructions. nullopt: no guard.
inline constexpr const char* kVerifyHoldoutNote = "PGO holdout input: the --verify command (no --bench-holdout)";
struct HoldoutInput {
  BenchSpec bench;
  bool from_verify = false;
};
std::optional<HoldoutInput> holdout_input(const BenchSpec& bench, const std::vector<std::string>& bench_holdout,
                                          const std::vector<std::string>& verify, bool pgo, Objective objective);

// Side-by-side pairs of holdout runs: one on a deterministic objective, else
// max(5, repeats) (after one warm-up run).
int holdout_pairs(bool deterministic, int repeats);

// The PGO winner against its rival on the holdout runs: the ratio of their
// medians (> 1: the winner is faster) and whether the winner stands (it ran
// and is not slower).
struct HoldoutVerdict {
  double ratio = 0;
  bool keeps = false;
};
HoldoutVerdict holdout_verdict(const PairRuns& runs);

} // namespace llmcc
