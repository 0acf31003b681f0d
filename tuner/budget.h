// How a session's trial budget is spent: split over the hot TUs by their share
// of the profile, and when a TU may stop early. Pure functions, unit-tested.
#pragma once

#include <vector>

namespace llmcc {

// Trials per TU for `shares` (any scale; all zero means equal shares): each
// TU's part of `total` by share, rounded, and at least min(4, total).
std::vector<int> split_budget(const std::vector<double>& shares, int total);

// Whether a TU that has had `done` of its `budget` trials, with `best` the best
// screening speedup so far, shows nothing worth confirming after a fair look.
bool no_gain_so_far(int done, int budget, double best, double threshold);

// Whether to stop a TU for no gain: only when its unused trials can go to
// another hot TU (the user's budget is never thrown away) and its planner has
// no known-good seed left to try.
bool stop_for_no_gain(int done, int budget, double best, double threshold, bool can_hand_on, bool seeds_left);

// Counts a TU's trials against its budget. A candidate that compiles to code
// already measured (the baseline's, or an earlier candidate's) is not run again:
// it costs a compile, not a trial. At small budgets that is a third of the
// proposals (-O2 == -O3 for some code, -fno-math-errno without math calls), so
// up to `budget` such repeats are free and the budget buys measured programs.
class TrialCount {
public:
  explicit TrialCount(int budget) : m_budget(budget) {}
  // Records one screened candidate; returns whether it used a trial.
  bool add(bool repeat) {
    if (repeat && m_repeats < m_budget) {
      ++m_repeats;
      return false;
    }
    ++m_trials;
    return true;
  }
  int trials() const { return m_trials; }
  int repeats() const { return m_repeats; }
  bool spent() const { return m_trials >= m_budget; }

private:
  int m_budget = 0;
  int m_trials = 0;
  int m_repeats = 0;
};

} // namespace llmcc
