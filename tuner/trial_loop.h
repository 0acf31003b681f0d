// The order of one TU's trials, apart from how a trial is built and measured
// (TrialScreen), so it is unit-tested with a synthetic objective: the
// planner's proposals until the budget is spent (TrialCount), the planner has
// nothing left, or the TU shows no gain after a fair look (budget.h); then,
// with PGO, the profile trials on top of the budget (pgo_schedule.h). The plain
// trials are exactly those of a session without PGO: the planner never sees a
// profile trial, and none comes before or between its own.
#pragma once

#include "tuner/pgo_schedule.h"
#include "tuner/planner.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// The TU's trials so far, a resumed session's included.
struct TrialTally {
  int trials = 0;         // what the budget counts (budget.h)
  int repeats = 0;        // code already measured, or not measurable here: free
  int profile_trials = 0; // on top of the budget
  double best = 1;        // the best screening speedup, profiles included
  bool last_counted = false;         // the last trial used the budget
  bool last_profile_counted = false; // the last trial was a new profile trial
};

// What the loop asks of the tuner: tuner/tu_tuning.cpp builds and measures,
// the tests compute a synthetic objective.
class TrialScreen {
public:
  virtual ~TrialScreen() = default;
  // Builds, measures and records `p`; `number` numbers the trial in the TU (it
  // seeds the statistics). nullopt when the TU cannot be tuned at all.
  virtual std::optional<TrialOutcome> screen(const Proposal& p, int number) = 0;
  // The profile hash a profile trial is to use: the TU's profile (trained on
  // first use) for kProfileOp, one trained with the config's own flags for
  // kRetrainedOp. nullopt (said by the screen) when there is none.
  virtual std::optional<std::string> profile_for(const Proposal& p) = 0;
  // Ctrl-C or the session's --time.
  virtual bool stopped() const = 0;
  // After every trial, for the progress line.
  virtual void shown(const Proposal& p, const TrialOutcome& out, const TrialTally& tally) = 0;
  virtual void say(const std::string& line) = 0;
};

struct TrialLimits {
  std::string source_rel; // for messages
  int budget = 0;
  double threshold = 0.01;
  bool can_hand_on = false; // budget.h stop_for_no_gain
};

// Runs the TU's trials after `history` (a resumed session's, in order). False
// when the screen found the TU cannot be tuned at all. `tally` holds the counts.
bool run_trial_loop(Planner& planner, PgoSchedule* pgo, const std::vector<TrialOutcome>& history,
                    const TrialLimits& limits, TrialScreen& screen, TrialTally& tally);

} // namespace llmcc
