// The winner's curse: the best of N noisy screenings looks faster than it is.
// The best few candidates are re-measured in fresh interleaved runs, and the
// winner is chosen among the confirmed ones. Pure functions, unit-tested.
#pragma once

#include "flags/tune_config.h"
#include "tuner/statistics.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// One candidate that screened well.
struct Candidate {
  TuneConfig config;
  double speedup = 1; // screening speedup
  std::string op;
  std::string rationale;
};

// From candidates sorted by screening speedup (best first): the best `top`
// whose speedup exceeds 1 + threshold, plus the one with the fewest options
// among those that screened within 2% of the best. Exploration winners carry
// dozens of passengers; when a plain config is as fast, the winner choice
// should have it to pick.
std::vector<Candidate> confirmation_list(const std::vector<Candidate>& sorted, size_t top, double threshold);

struct ConfirmedWin {
  Candidate cand;
  Comparison cmp; // of the confirmation runs
  double best = 0; // the candidate's median score in them
};

// Among confirmed wins statistically indistinguishable from the best (their
// intervals overlap the best's), the one with the fewest options: extra flags
// that did not measurably help are only risk and noise on other machines.
// nullopt when there is no win.
std::optional<size_t> choose_winner(const std::vector<ConfirmedWin>& wins);

} // namespace llmcc
