#include "tuner/pgo_planner.h"

#include <algorithm>
#include <deque>
#include <set>

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

class ProfileUsePlanner : public Planner {
public:
  explicit ProfileUsePlanner(std::unique_ptr<Planner> inner) : m_inner(std::move(inner)) {}

  std::string name() const override { return m_inner->name(); }

  void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) override {
    std::vector<TrialOutcome> plain;
    for (const auto& h : history) {
      if (h.config.uses_profile()) {
        m_tried.insert(without_profile(h.config).canonical());
      } else {
        plain.push_back(h);
        note_plain(h);
      }
    }
    m_inner->start(ctx, plain);
    if (!m_tried.count(TuneConfig{}.canonical())) {
      m_queue.push_front({with_profile(TuneConfig{}), "pgo", "the user's flags with the trained profile"});
      m_tried.insert(TuneConfig{}.canonical());
    }
  }

  std::vector<Proposal> propose(size_t count) override {
    std::vector<Proposal> out;
    while (out.size() < count && !m_queue.empty()) {
      out.push_back(m_queue.front());
      m_queue.pop_front();
    }
    if (out.size() < count) {
      auto more = m_inner->propose(count - out.size());
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }

  void observe(const TrialOutcome& outcome) override {
    if (outcome.config.uses_profile()) {
      return;
    }
    m_inner->observe(outcome);
    note_plain(outcome);
  }

  std::string report() const override { return m_inner->report(); }
  bool has_pending_seeds() const override { return !m_queue.empty() || m_inner->has_pending_seeds(); }

private:
  // A plain config at least as good as every earlier one gets its profile twin.
  void note_plain(const TrialOutcome& o) {
    if (o.verdict != Verdict::Ok || !o.speedup || *o.speedup < m_best_plain) {
      return;
    }
    m_best_plain = *o.speedup;
    const std::string key = o.config.canonical();
    if (m_tried.insert(key).second) {
      m_queue.push_back({with_profile(o.config), "pgo", "the best flags so far with the trained profile"});
    }
  }

  std::unique_ptr<Planner> m_inner;
  std::deque<Proposal> m_queue;
  std::set<std::string> m_tried; // canonical configs (without the profile) already tried with it
  double m_best_plain = 1;
};

} // namespace

std::unique_ptr<Planner> with_profile_use(std::unique_ptr<Planner> inner) {
  return std::make_unique<ProfileUsePlanner>(std::move(inner));
}

} // namespace llmcc
