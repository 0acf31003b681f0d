#include "tuner/trial_loop.h"

#include <fmt/format.h>

#include <algorithm>

#include "tuner/budget.h"
#include "tuner/screening.h"

namespace llmcc {

namespace {

class TrialLoop {
public:
  TrialLoop(Planner& planner, PgoSchedule* pgo, const TrialLimits& limits, TrialScreen& screen, TrialTally& tally)
      : m_planner(planner), m_pgo(pgo), m_limits(limits), m_screen(screen), m_tally(tally), m_count(limits.budget) {}

  bool run(const std::vector<TrialOutcome>& history);

private:
  bool no_gain() const {
    return stop_for_no_gain(m_count.trials(), m_limits.budget, m_best_plain, m_limits.threshold,
                            m_limits.can_hand_on, m_planner.has_pending_seeds());
  }
  // One trial screened and counted; nullopt when the TU cannot be tuned.
  std::optional<TrialOutcome> one(const Proposal& p, int number);
  bool profile_trials(int number);

  Planner& m_planner;
  PgoSchedule* m_pgo;
  const TrialLimits& m_limits;
  TrialScreen& m_screen;
  TrialTally& m_tally;
  TrialCount m_count;
  double m_best_plain = 1;
};

bool TrialLoop::run(const std::vector<TrialOutcome>& history) {
  int number = 0; // the plain trials' numbers, as without PGO
  int profile_number = 0;
  for (const auto& h : history) {
    if (h.verdict == Verdict::Ok && h.speedup) {
      m_tally.best = std::max(m_tally.best, *h.speedup);
    }
    if (h.config.uses_profile()) {
      ++profile_number;
      m_tally.profile_trials += h.op == kRetrainedOp ? 0 : 1;
      continue;
    }
    ++number;
    m_count.add(costs_no_trial(h.verdict, h.detail));
    if (h.verdict == Verdict::Ok && h.speedup) {
      m_best_plain = std::max(m_best_plain, *h.speedup);
    }
  }
  m_tally.trials = m_count.trials();
  m_tally.repeats = m_count.repeats();
  // A resumed TU stops where it would have stopped had the session not been killed.
  bool over = (m_pgo && m_pgo->plain_search_over()) || (number > 0 && no_gain());
  while (!over && !m_count.spent() && !m_screen.stopped()) {
    std::vector<Proposal> proposals = m_planner.propose(1);
    if (proposals.empty()) {
      m_screen.say(fmt::format("[{}] the planner has nothing more to propose", m_limits.source_rel));
      break;
    }
    std::optional<TrialOutcome> out = one(proposals.front(), ++number);
    if (!out) {
      return false;
    }
    if (out->verdict == Verdict::Ok) {
      m_best_plain = std::max(m_best_plain, *out->speedup);
    }
    if (no_gain()) {
      m_screen.say(fmt::format("[{}] no gain after {} trials; moving on", m_limits.source_rel, m_count.trials()));
      break;
    }
  }
  return !m_pgo || profile_trials(number + profile_number);
}

bool TrialLoop::profile_trials(int number) {
  while (!m_screen.stopped()) {
    std::optional<Proposal> p = m_pgo->next();
    if (!p) {
      break;
    }
    std::optional<std::string> hash = m_screen.profile_for(*p);
    if (!hash) {
      if (p->op == kRetrainedOp) {
        continue; // the trial stays marked profile_mismatch
      }
      break; // no profile to try at all
    }
    p->config.pgo = *hash;
    if (!one(*p, ++number)) {
      return false;
    }
  }
  return true;
}

std::optional<TrialOutcome> TrialLoop::one(const Proposal& p, int number) {
  std::optional<TrialOutcome> out = m_screen.screen(p, number);
  if (!out) {
    return std::nullopt;
  }
  m_tally.last_counted = false;
  m_tally.last_profile_counted = p.config.uses_profile() && p.op != kRetrainedOp;
  if (p.config.uses_profile()) {
    m_tally.profile_trials += m_tally.last_profile_counted ? 1 : 0;
  } else {
    m_tally.last_counted = m_count.add(costs_no_trial(out->verdict, out->detail));
    // The planner learns from its own proposals only: its model is of flags alone.
    m_planner.observe(*out);
  }
  if (m_pgo) {
    m_pgo->observe(*out);
  }
  m_tally.trials = m_count.trials();
  m_tally.repeats = m_count.repeats();
  if (out->verdict == Verdict::Ok && out->speedup) {
    m_tally.best = std::max(m_tally.best, *out->speedup);
  }
  m_screen.shown(p, *out, m_tally);
  return out;
}

} // namespace

bool run_trial_loop(Planner& planner, PgoSchedule* pgo, const std::vector<TrialOutcome>& history,
                    const TrialLimits& limits, TrialScreen& screen, TrialTally& tally) {
  TrialLoop loop(planner, pgo, limits, screen, tally);
  return loop.run(history);
}

} // namespace llmcc
