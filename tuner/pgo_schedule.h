// Profile use as one more dimension of any planner's search, scheduled so that
// it cannot cost the plain search anything. A TU's planner runs first with the
// whole budget, exactly as in a session without PGO: it never sees a profile
// trial, and profile trials neither use the budget nor come between its trials.
// Then, on top of the budget, at most profile_trial_bound(budget) profile
// trials, each a config with the TU's trained profile:
//   1. PGO alone: the user's own flags with the profile;
//   2. the final best plain config with the profile (when it beat the baseline);
//   3. the next best plain configs with it, best first, only those that were a
//      real gain (above 1 + threshold).
// gcc's profile holds only for the early-pass flags it was trained with: a
// profile trial marked profile_mismatch (coverage mismatch, or a profile gcc
// did not find) is tried again once, within the same profile trial, with a
// profile trained with its own flags (operator kRetrainedOp).
#pragma once

#include "tuner/planner.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace llmcc {

// The operators of profile trials: with the TU's profile, and with a profile
// trained for the config's own flags.
inline constexpr const char* kProfileOp = "pgo";
inline constexpr const char* kRetrainedOp = "pgo-retrain";

// How many profile trials a TU with `budget` trials gets on top of them: PGO
// alone, the final best with the profile, and one more real gain per 12 trials.
int profile_trial_bound(int budget);

class PgoSchedule {
public:
  // `threshold`: the session's minimum gain (a real gain is above 1 + threshold).
  PgoSchedule(int budget, double threshold);
  // The TU's trials a resumed session already ran, in order, plain and with a profile.
  void start(const std::vector<TrialOutcome>& history);
  // One screened trial, plain or with a profile.
  void observe(const TrialOutcome& outcome);
  // The next profile trial (its pgo field kPgoRequest), to run once the plain
  // search is over; nullopt when the bound is reached or no config left can pay.
  std::optional<Proposal> next();
  // Whether the history already holds a profile trial: the plain search of the
  // resumed session was over (profile trials come only after it).
  bool plain_search_over() const { return m_plain_over; }
  // Profile trials so far (a retry with a retrained profile is part of its trial).
  int used() const { return m_used; }
  int bound() const { return m_bound; }

private:
  void note_profile_trial(const TrialOutcome& o);

  const int m_bound;
  const double m_threshold;
  int m_used = 0;
  bool m_plain_over = false;
  std::vector<TrialOutcome> m_plain;    // plain configs measured (not repeats), in order
  std::set<std::string> m_tried;        // canonical configs (without the profile) tried with one
  std::optional<TuneConfig> m_retrain;  // a profile trial due its retry with a retrained profile
};

} // namespace llmcc
