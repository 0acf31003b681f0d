// Uniform random search: the yardstick the built-in planner must beat at equal
// budget, and a sanity baseline for the LLM planner.
#include "tuner/planner.h"

#include <random>
#include <unordered_set>

namespace llmcc {

namespace {

constexpr double kDensity = 0.3;
// Draws per wanted proposal before concluding the space is exhausted (tiny spaces).
constexpr size_t kAttemptsPerProposal = 1000;

class RandomPlanner final : public Planner {
public:
  std::string name() const override { return "random"; }

  void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) override {
    m_space = ctx.space;
    m_rng.seed(ctx.seed);
    m_seen.clear();
    // The session measures the baseline itself; proposing it would waste a trial.
    m_seen.insert(ctx.baseline.canonical());
    for (const auto& h : history) {
      m_seen.insert(h.config.canonical());
    }
  }

  std::vector<Proposal> propose(size_t count) override {
    std::vector<Proposal> out;
    for (size_t attempt = 0; out.size() < count && attempt < count * kAttemptsPerProposal; ++attempt) {
      TuneConfig c = m_space.to_config(m_space.random_point(m_rng, kDensity));
      if (c.empty() || !m_seen.insert(c.canonical()).second) {
        continue;
      }
      out.push_back(Proposal{std::move(c), "random", ""});
    }
    return out;
  }

  void observe(const TrialOutcome& outcome) override { m_seen.insert(outcome.config.canonical()); }

private:
  SearchSpace m_space;
  std::mt19937_64 m_rng;
  std::unordered_set<std::string> m_seen;
};

} // namespace

std::unique_ptr<Planner> make_random_planner() { return std::make_unique<RandomPlanner>(); }

} // namespace llmcc
