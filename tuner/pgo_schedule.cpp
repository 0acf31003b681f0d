#include "tuner/pgo_schedule.h"

#include <algorithm>

#include "tuner/screening.h"

namespace llmcc {

namespace {

TuneConfig without_profile(TuneConfig c) {
  c.pgo.clear();
  return c;
}

TuneConfig with_profile(TuneConfig c) {
  c.pgo = kPgoRequest;
  return c;
}

} // namespace

int profile_trial_bound(int budget) { return 2 + std::max(0, budget) / 12; }

PgoSchedule::PgoSchedule(int budget, double threshold) : m_bound(profile_trial_bound(budget)), m_threshold(threshold) {}

void PgoSchedule::start(const std::vector<TrialOutcome>& history) {
  for (const auto& h : history) {
    if (h.config.uses_profile()) {
      m_plain_over = true;
    }
    observe(h);
  }
}

void PgoSchedule::observe(const TrialOutcome& o) {
  if (o.config.uses_profile()) {
    note_profile_trial(o);
    return;
  }
  // A config whose code an earlier one had is that one's program: no twin of its own.
  if (o.verdict == Verdict::Ok && o.speedup && !is_repeat(o.verdict, o.detail)) {
    m_plain.push_back(o);
  }
}

void PgoSchedule::note_profile_trial(const TrialOutcome& o) {
  TuneConfig plain = without_profile(o.config);
  if (o.op == kRetrainedOp) {
    if (m_retrain && *m_retrain == plain) {
      m_retrain.reset();
    }
    return;
  }
  // next() counted the trials it proposed; a resumed session's are counted here.
  if (m_tried.insert(plain.canonical()).second) {
    ++m_used;
  }
  if (o.verdict == Verdict::ProfileMismatch) {
    m_retrain = plain;
  }
}

std::optional<Proposal> PgoSchedule::next() {
  if (m_retrain) {
    Proposal p{with_profile(*m_retrain), kRetrainedOp,
               "the same flags with a profile trained with them (gcc: a profile holds for its early-pass flags)"};
    m_retrain.reset();
    return p;
  }
  if (m_used >= m_bound) {
    return std::nullopt;
  }
  auto take = [&](const TuneConfig& plain, const char* why) -> std::optional<Proposal> {
    if (!m_tried.insert(plain.canonical()).second) {
      return std::nullopt;
    }
    ++m_used;
    return Proposal{with_profile(plain), kProfileOp, why};
  };
  if (auto p = take(TuneConfig{}, "the user's flags with the trained profile (PGO alone)")) {
    return p;
  }
  std::vector<TrialOutcome> best = m_plain;
  std::stable_sort(best.begin(), best.end(),
                   [](const TrialOutcome& a, const TrialOutcome& b) { return *a.speedup > *b.speedup; });
  for (size_t i = 0; i < best.size(); ++i) {
    // The final best pays if it beat the baseline at all; the others only as real gains.
    const double floor = i == 0 ? 1.0 : 1.0 + m_threshold;
    if (*best[i].speedup <= floor) {
      break;
    }
    if (auto p = take(best[i].config, i == 0 ? "the best plain config with the trained profile"
                                            : "a plain config with a real gain, with the trained profile")) {
      return p;
    }
  }
  return std::nullopt;
}

} // namespace llmcc
