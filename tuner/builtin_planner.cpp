// The default planner: a short seed phase (transfer from the database, then
// configurations that are known to pay off often), an exploration phase, and an
// ensemble of search operators chosen by an AUC bandit, in the style of OpenTuner's
// AUCBanditMetaTechnique: each operator is credited with the area under the curve
// of its recent successes, so operators that keep finding improvements now are
// used more, and a UCB exploration term keeps every operator in play.
//
// Exploration is group testing: a config with a third of the dimensions changed
// at once around a good small config tests ~50 options in one trial. On real
// kernels single options hide large gains far from -O3 (gcc sort: 1.23x from
// -ftree-loop-if-convert alone), which one-flip hill climbing finds only by luck;
// dense draws find them, and ablation then strips the passengers.
#include "tuner/planner.h"

#include "tuner/auc_bandit.h"
#include "tuner/planner_seeds.h"
#include "tuner/transfer.h"

#include "flags/option_syntax.h"
#include "flags/option_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <unordered_set>

namespace llmcc {

namespace {

using Point = SearchSpace::Point;

constexpr double kRandomDensity = 0.3;
// Share of the dimensions an exploration draw changes around its anchor.
constexpr double kExploreDensity = 0.3;
// How many leading trials alternate exploration with seeds and the bandit, as a
// share of the TU's budget (or a fixed count when the budget is unknown).
constexpr double kExploreShare = 0.6;
constexpr size_t kExploreTrialsUnknownBudget = 24;
// In that phase, all but one trial of each cycle explore; the other goes to the
// remaining seeds and then the bandit.
constexpr size_t kExploreCycle = 3;
// Seeds tried before exploration starts; the rest of the seed list is interleaved.
constexpr size_t kCoreSeeds = 5;
// Ablation drops one option at a time from small configs, a third of them at once
// from dense ones (an exploration winner carries dozens of passengers).
constexpr size_t kDenseConfig = 6;
constexpr size_t kTopK = 5;
// Outcomes the bandit remembers. Short enough that credit follows the search as it
// moves from coarse changes (random, crossover) to fine ones (ablation, greedy-add).
constexpr size_t kWindow = 50;
// Weight of the exploration term against AUC credit (which lies in [0, 1]); the
// OpenTuner default, which also did best on the synthetic benchmark in the tests.
constexpr double kExplorationC = 0.05;
// Candidate draws per operator before it is declared stuck (everything near the
// best already tried).
constexpr int kAttempts = 64;
// How much less likely an option becomes after a failed config that contained it:
// strongly when it is what a mutation changed from a parent that worked, mildly when
// it was one of many options of a config nobody vouched for.
constexpr double kBlamePenalty = 0.35;
constexpr double kSharedPenalty = 0.8;
constexpr double kMinWeight = 0.02;
// Relative odds of proposing -fno-X over -fX when a mutation sets a bool flag.
constexpr double kNegationWeight = 0.5;

enum Op { kMutateBest, kMutateTop, kCrossover, kRandom, kAblate, kGreedyAdd, kExplore, kOpCount };
constexpr const char* kOpNames[kOpCount] = {"mutate-best", "mutate-top", "crossover", "random",
                                            "ablation",    "greedy-add", "explore"};

// The planner's view of an outcome's quality: the pessimistic end of the interval
// when there is one, so a lucky noisy sample does not become the parent of everything.
std::optional<double> score_of(const TrialOutcome& o) {
  if (is_failure(o.verdict)) {
    return std::nullopt;
  }
  if (o.speedup_low) {
    return *o.speedup_low;
  }
  return o.speedup;
}

class BuiltinPlanner final : public Planner {
public:
  std::string name() const override { return "builtin"; }

  void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) override {
    *this = BuiltinPlanner();
    // Mixed so that seed 1 of this planner and seed 1 of the random planner do not
    // walk the same random sequence.
    m_rng.seed(ctx.seed * 0x9E3779B97F4A7C15ULL + 0x5851F42D4C957F2DULL);
    std::vector<TuneConfig> winners = ctx.prior_winners;
    winners.insert(winners.end(), ctx.neighbour_winners.begin(), ctx.neighbour_winners.end());
    m_space = augmented_space(ctx.space, winners);
    m_weights.resize(m_space.size());
    m_cover.resize(m_space.size());
    m_inert.resize(m_space.size());
    for (size_t d = 0; d < m_space.size(); ++d) {
      m_weights[d].assign(m_space.dims()[d].values.size(), 1.0);
      m_cover[d].assign(m_space.dims()[d].values.size(), 0);
      m_inert[d].assign(m_space.dims()[d].values.size(), 0);
    }
    m_opt_dim = m_space.opt_dimension();
    m_anchor = m_space.to_point(ctx.baseline);
    // The session measures the baseline itself; proposing it would waste a trial.
    m_seen.insert(ctx.baseline.canonical());
    remember(m_anchor);
    m_explore_until = ctx.budget > 0 ? static_cast<size_t>(std::lround(static_cast<double>(ctx.budget) * kExploreShare))
                                     : kExploreTrialsUnknownBudget;
    build_seeds(ctx);
    m_proposed = history.size();
    for (const auto& h : history) {
      observe(h);
    }
  }

  // The schedule: the core seeds; then, for the first part of the budget, two
  // trials in three exploration draws and the third the remaining seeds; then any
  // seeds left, then the bandit (which still explores when that keeps paying).
  std::vector<Proposal> propose(size_t count) override {
    std::vector<Proposal> out;
    while (out.size() < count) {
      std::optional<Proposal> p;
      bool exploring = m_proposed < m_explore_until && m_seeds_taken >= kCoreSeeds;
      if (exploring && m_explore_turn++ % kExploreCycle != kExploreCycle - 1) {
        p = from_operator(kExplore);
      }
      if (!p && exploring && dense(best_point())) {
        p = from_operator(kAblate); // strip the passengers of an exploration winner
      }
      if (!p) {
        p = next_seed();
      }
      if (!p) {
        p = next_from_bandit();
      }
      if (!p) {
        break; // the space is exhausted around everything we know
      }
      ++m_proposed;
      out.push_back(std::move(*p));
    }
    return out;
  }

  void observe(const TrialOutcome& outcome) override {
    std::string key = outcome.config.canonical();
    m_seen.insert(key);
    Pending pending{-1, std::nullopt};
    if (auto it = m_pending.find(key); it != m_pending.end()) {
      pending = it->second;
      m_pending.erase(it);
    }
    Point point = m_space.to_point(outcome.config);
    // A pass pipeline or a profile is not part of the point: such a config is
    // another program than its point's, and says nothing about inert options.
    const bool plain = outcome.config.pipeline.empty() && outcome.config.pgo.empty();
    if (plain) {
      remember(point);
    }
    std::optional<double> score = score_of(outcome);
    bool success = score && *score > m_best_score;

    if (pending.op >= 0) {
      m_bandit.observed(pending.op, success);
    }
    if (outcome.verdict == Verdict::Ok || outcome.verdict == Verdict::Identical) {
      note_measurable_targets(point);
    }
    if (outcome.verdict == Verdict::Unmeasurable) {
      exclude_targets(point); // the measuring tool, not an option, failed
    } else if (is_failure(outcome.verdict)) {
      penalise(point, pending.parent);
      m_failed.push_back(outcome.config);
    }
    // Failed configs count as coverage too: their values were tried, and drawing
    // them again first would mostly repeat the failure.
    for (size_t d = 0; d < point.size() && d < m_cover.size(); ++d) {
      ++m_cover[d][point[d]];
    }
    if (!outcome.code.empty() && plain) {
      if (outcome.verdict == Verdict::Identical) {
        m_anchor_code = outcome.code;
      }
      note_inert(point, outcome.code);
      m_codes.emplace_back(point, outcome.code);
    }
    if (score) {
      m_observed.emplace_back(outcome.config, *score);
      m_results.push_back(Result{point, *score});
      if (success) {
        m_best_score = *score;
        m_best = point;
      }
    }
  }

  bool has_pending_seeds() const override {
    return std::any_of(m_seeds.begin(), m_seeds.end(), [&](const Proposal& p) {
      return !has_harmful_option(p.config, m_observed, m_failed) && m_seen.count(p.config.canonical()) == 0 &&
             !(p.config.pipeline.empty() && known_program(m_space.to_point(p.config))) &&
             !excluded(m_space.to_point(p.config));
    });
  }

private:
  std::optional<Proposal> next_seed() {
    while (!m_seeds.empty()) {
      Proposal p = std::move(m_seeds.front());
      m_seeds.pop_front();
      ++m_seeds_taken;
      if (has_harmful_option(p.config, m_observed, m_failed)) {
        continue; // e.g. -march=native already lost to plain -O3 on this TU
      }
      Point point = m_space.to_point(p.config);
      const bool plain = p.config.pipeline.empty() && p.config.pgo.empty();
      if (plain && known_program(point)) {
        continue; // e.g. -fno-math-errno once it proved inert here
      }
      if (excluded(point)) {
        continue; // -march=native where callgrind cannot run its code
      }
      if (m_seen.insert(p.config.canonical()).second) {
        if (plain) {
          remember(point);
        }
        m_pending[p.config.canonical()] = Pending{-1, std::nullopt};
        return p;
      }
    }
    m_seeds_taken = std::max(m_seeds_taken, kCoreSeeds);
    return std::nullopt;
  }

  std::vector<std::pair<TuneConfig, double>> m_observed;
  std::vector<TuneConfig> m_failed;

  struct Pending {
    int op = -1; // -1: seed, history or someone else's proposal
    std::optional<Point> parent;
  };
  struct Result {
    Point point;
    double score = 0;
  };

  void add_seed(TuneConfig c, const std::string& op, const std::string& rationale) {
    // Round trip through the space: drops what the space lacks, and conflicts.
    std::string pipeline = c.pipeline;
    c = m_space.to_config(m_space.to_point(c));
    c.pipeline = pipeline;
    if (!c.empty()) {
      m_seeds.push_back(Proposal{std::move(c), op, rationale});
    }
  }

  void build_seeds(const PlanningContext& ctx) {
    auto known = known_good_seeds(m_space, ctx.objective, uses_math_library(ctx.source_excerpt));
    for (auto& s : seed_order(ctx.prior_winners, ctx.neighbour_winners, known, kCoreSeeds)) {
      std::string rationale = s.source == SeedSource::SameSource ? "transfer: winner of this TU on this hardware class"
                              : s.source == SeedSource::Neighbour
                                  ? "transfer: winner of a similar TU on this hardware class"
                                  : "known-good starting point: " + s.config.display();
      add_seed(std::move(s.config), "seed", rationale);
    }
  }

  // ---- inert options ----------------------------------------------------------------

  // `p` compiled to `code`: for every known config at the same -O level with the
  // same code, the values of the dimensions where the two differ changed nothing
  // (jointly, so each alone too, barring options that cancel out; -fX and -fno-X
  // giving the same code say X does not matter here). Most flags are inert on a given TU (implied by its -O level, or no code
  // they apply to): at 12 trials half of the bandit's mutations of gcc strsearch
  // and csvparse were the same program again. Inert values are not proposed again
  // at that level (-ftree-vectorize does nothing at -O3, much at -O1).
  void note_inert(const Point& p, const std::string& code) {
    auto compare = [&](const Point& q) {
      if (q.size() != p.size() || level(q) != level(p)) {
        return;
      }
      for (size_t d = 0; d < p.size(); ++d) {
        if (p[d] == q[d]) {
          continue;
        }
        for (int v : {p[d], q[d]}) {
          if (v > 0 && (m_inert[d][static_cast<size_t>(v)] & level_bit(p)) == 0) {
            m_inert[d][static_cast<size_t>(v)] |= level_bit(p);
            m_effective.clear(); // stale: rebuilt on the next look-up
          }
        }
      }
    };
    if (code == m_anchor_code) {
      compare(m_anchor);
    }
    for (const auto& [q, c] : m_codes) {
      if (c == code) {
        compare(q);
      }
    }
  }

  // Whether `p`, with its inert values dropped, is a program already tried.
  bool known_program(const Point& p) const {
    if (m_effective.empty()) {
      for (const auto& q : m_tried) {
        m_effective.insert(effective_key(q));
      }
    }
    return m_effective.count(effective_key(p)) != 0;
  }

  void remember(const Point& p) {
    m_tried.push_back(p);
    if (!m_effective.empty()) {
      m_effective.insert(effective_key(p));
    }
  }

  std::string effective_key(const Point& p) const {
    std::string key;
    for (size_t d = 0; d < p.size(); ++d) {
      int v = p[d] > 0 && inert(d, static_cast<size_t>(p[d]), p) ? 0 : p[d];
      key += std::to_string(v);
      key += ',';
    }
    return key;
  }

  int level(const Point& p) const { return m_opt_dim >= 0 ? p[static_cast<size_t>(m_opt_dim)] : 0; }
  uint32_t level_bit(const Point& p) const { return 1u << (static_cast<unsigned>(level(p)) % 32); }
  bool inert(size_t d, size_t v, const Point& at) const {
    return d < m_inert.size() && v < m_inert[d].size() && (m_inert[d][v] & level_bit(at)) != 0;
  }

  // ---- bandit ---------------------------------------------------------------------

  std::optional<Proposal> next_from_bandit() {
    int first = m_bandit.select();
    // A stuck operator hands over to the others, random restart last of all.
    std::vector<int> order{first};
    for (int op : {kMutateBest, kGreedyAdd, kMutateTop, kCrossover, kAblate, kExplore, kRandom}) {
      if (op != first) {
        order.push_back(op);
      }
    }
    for (int op : order) {
      if (auto p = from_operator(op)) {
        return p;
      }
    }
    return std::nullopt;
  }

  std::optional<Proposal> from_operator(int op) {
    auto made = make(op);
    if (!made) {
      return std::nullopt;
    }
    auto& [config, parent] = *made;
    std::string key = config.canonical();
    m_seen.insert(key);
    m_pending[key] = Pending{op, parent};
    m_bandit.proposed(op);
    return Proposal{config, kOpNames[op], describe(op, parent, config)};
  }

  std::string describe(int op, const std::optional<Point>& parent, const TuneConfig& c) const {
    if (!parent) {
      return std::string(kOpNames[op]) + ": " + c.display();
    }
    TuneConfig from = m_space.to_config(*parent);
    return std::string(kOpNames[op]) + " of " + from.display();
  }

  // The top results, best first; the baseline stands in while nothing beat it.
  std::vector<const Point*> top_points() const {
    std::vector<const Result*> sorted;
    for (const auto& r : m_results) {
      sorted.push_back(&r);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Result* a, const Result* b) { return a->score > b->score; });
    std::vector<const Point*> out;
    for (const auto* r : sorted) {
      if (out.size() >= kTopK) {
        break;
      }
      out.push_back(&r->point);
    }
    if (out.empty()) {
      out.push_back(&m_anchor);
    }
    return out;
  }

  const Point& best_point() const { return m_best ? *m_best : m_anchor; }

  size_t options_in(const Point& p) const {
    size_t n = 0;
    for (size_t d = 0; d < p.size(); ++d) {
      n += p[d] > 0 && static_cast<int>(d) != m_opt_dim ? 1 : 0;
    }
    return n;
  }

  bool dense(const Point& p) const { return options_in(p) >= kDenseConfig; }

  // Exploration starts from the best config that is not itself a dense draw:
  // piling new draws onto an earlier one adds passengers faster than any gain.
  // Crossover and mutation combine the winners of separate draws instead.
  Point explore_anchor() const {
    const Point* anchor = &m_anchor;
    double best = 0;
    for (const auto& r : m_results) {
      if (!dense(r.point) && r.score > best) {
        best = r.score;
        anchor = &r.point;
      }
    }
    return *anchor;
  }

  size_t pick_index(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(m_rng);
  }

  // A different value for dimension d, weighted by how little its options have failed.
  void flip(Point& p, size_t d) {
    const auto& w = m_weights[d];
    const auto& values = m_space.dims()[d].values;
    std::vector<double> weights(w.size(), 0.0);
    for (size_t v = 0; v < w.size(); ++v) {
      bool allowed = static_cast<int>(v) != p[d] && !(static_cast<int>(d) == m_opt_dim && v == 0) && !inert(d, v, p);
      weights[v] = allowed ? w[v] : 0.0;
      // Switching a pass off (-fno-X) overrides a choice the -O level made on
      // purpose and rarely pays; switching one on is where the extra passes are.
      if (values[v].rfind("-fno-", 0) == 0 || values[v].rfind("-mno-", 0) == 0) {
        weights[v] *= kNegationWeight;
      }
    }
    if (std::all_of(weights.begin(), weights.end(), [](double x) { return x <= 0; })) {
      return;
    }
    std::discrete_distribution<int> pick(weights.begin(), weights.end());
    p[d] = pick(m_rng);
  }

  void mutate(Point& p) {
    double r = std::uniform_real_distribution<double>(0, 1)(m_rng);
    int flips = r < 0.5 ? 1 : (r < 0.8 ? 2 : 3);
    for (int i = 0; i < flips; ++i) {
      flip(p, pick_index(p.size()));
    }
  }

  // Product of the weights of the values `p` sets that `parent` does not: a
  // candidate built from options that failed before is drawn again less often.
  double plausibility(const Point& p, const std::optional<Point>& parent) const {
    double w = 1;
    for (size_t d = 0; d < p.size(); ++d) {
      if (p[d] > 0 && (!parent || (*parent)[d] != p[d])) {
        w *= m_weights[d][p[d]];
      }
    }
    return w;
  }

  std::optional<Point> candidate(int op) {
    size_t n = m_space.size();
    if (n == 0) {
      return std::nullopt;
    }
    switch (op) {
    case kMutateBest: {
      Point p = best_point();
      mutate(p);
      return p;
    }
    case kMutateTop: {
      auto top = top_points();
      Point p = *top[pick_index(top.size())];
      mutate(p);
      return p;
    }
    case kCrossover: {
      auto top = top_points();
      if (top.size() < 2) {
        return std::nullopt;
      }
      size_t a = pick_index(top.size());
      size_t b = (a + 1 + pick_index(top.size() - 1)) % top.size();
      Point p(n);
      for (size_t d = 0; d < n; ++d) {
        p[d] = pick_index(2) == 0 ? (*top[a])[d] : (*top[b])[d];
      }
      return p;
    }
    case kRandom:
      return m_space.random_point(m_rng, kRandomDensity);
    case kAblate: {
      Point p = best_point();
      std::vector<size_t> set;
      for (size_t d = 0; d < n; ++d) {
        if (p[d] > 0 && static_cast<int>(d) != m_opt_dim) {
          set.push_back(d);
        }
      }
      if (set.empty()) {
        return std::nullopt;
      }
      std::shuffle(set.begin(), set.end(), m_rng);
      size_t drop = set.size() >= kDenseConfig ? set.size() / 3 : 1;
      for (size_t i = 0; i < drop; ++i) {
        p[set[i]] = 0;
      }
      return p;
    }
    case kExplore: {
      // Around a good small config, and now and then at another -O level: branchy
      // code can want a lower one. Values no measured config has carried yet are
      // drawn first, so a handful of draws covers the space evenly where random
      // draws repeat themselves.
      Point p = explore_anchor();
      std::uniform_real_distribution<double> coin(0.0, 1.0);
      for (size_t d = 0; d < n; ++d) {
        const auto& cover = m_cover[d];
        if (cover.size() < 2) {
          continue;
        }
        bool opt = static_cast<int>(d) == m_opt_dim;
        bool untested = std::any_of(cover.begin() + 1, cover.end(), [](int c) { return c == 0; });
        double density = opt ? kExploreDensity / 2 : kExploreDensity * (untested ? 1.5 : 0.5);
        if (coin(m_rng) >= density) {
          continue;
        }
        std::vector<double> weights(cover.size(), 0.0);
        for (size_t v = 1; v < cover.size(); ++v) {
          weights[v] = inert(d, v, p) ? 0.0 : m_weights[d][v] / ((1.0 + cover[v]) * (1.0 + cover[v]));
        }
        if (std::all_of(weights.begin(), weights.end(), [](double w) { return w <= 0; })) {
          continue;
        }
        std::discrete_distribution<int> pick(weights.begin(), weights.end());
        p[d] = pick(m_rng);
      }
      return p;
    }
    case kGreedyAdd: {
      Point p = best_point();
      std::vector<size_t> unset;
      for (size_t d = 0; d < n; ++d) {
        bool live = false;
        for (size_t v = 1; v < m_space.dims()[d].values.size() && !live; ++v) {
          live = !inert(d, v, p);
        }
        if (p[d] == 0 && live) {
          unset.push_back(d);
        }
      }
      if (unset.empty()) {
        return std::nullopt;
      }
      flip(p, unset[pick_index(unset.size())]);
      return p;
    }
    default:
      return std::nullopt;
    }
  }

  std::optional<std::pair<TuneConfig, std::optional<Point>>> make(int op) {
    std::optional<Point> parent;
    if (op == kMutateBest || op == kAblate || op == kGreedyAdd) {
      parent = best_point();
    }
    std::uniform_real_distribution<double> coin(0, 1);
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      auto p = candidate(op);
      if (!p) {
        return std::nullopt;
      }
      // Rejection sampling against past failures, relaxed as attempts run out so a
      // heavily penalised neighbourhood cannot stall the operator.
      if (attempt < kAttempts / 2 && coin(m_rng) > plausibility(*p, parent)) {
        continue;
      }
      TuneConfig c = m_space.to_config(*p);
      if (c.empty() || m_seen.count(c.canonical()) != 0 || known_program(*p) || excluded(*p)) {
        continue;
      }
      remember(*p);
      return std::make_pair(std::move(c), parent);
    }
    return std::nullopt;
  }

  // A target (-march=native) whose code the measuring tool could not run is
  // never proposed again (weight 0, below any penalty's floor), unless a
  // config with it was measured: then only some of its configs emit what the
  // tool cannot decode (AVX-512 for wider loops), the best may well carry it,
  // and the ones that fail cost no trial.
  void exclude_targets(const Point& p) {
    for (size_t d = 0; d < p.size() && d < m_weights.size(); ++d) {
      if (p[d] > 0 && m_space.dims()[d].name == "-march" && !m_measurable_targets.count({d, p[d]})) {
        m_weights[d][static_cast<size_t>(p[d])] = 0;
      }
    }
  }

  void note_measurable_targets(const Point& p) {
    for (size_t d = 0; d < p.size() && d < m_weights.size(); ++d) {
      if (p[d] > 0 && m_space.dims()[d].name == "-march") {
        m_measurable_targets.insert({d, p[d]});
        double& w = m_weights[d][static_cast<size_t>(p[d])];
        w = w <= 0 ? 1.0 : w;
      }
    }
  }

  bool excluded(const Point& p) const {
    for (size_t d = 0; d < p.size() && d < m_weights.size(); ++d) {
      if (p[d] > 0 && m_weights[d][static_cast<size_t>(p[d])] <= 0) {
        return true;
      }
    }
    return false;
  }

  void penalise(const Point& p, const std::optional<Point>& parent) {
    bool blame_changes = false;
    if (parent) {
      // Only if the parent itself worked is the change the likely culprit.
      for (const auto& r : m_results) {
        if (r.point == *parent) {
          blame_changes = true;
          break;
        }
      }
      blame_changes = blame_changes || *parent == m_anchor;
    }
    for (size_t d = 0; d < p.size() && d < m_weights.size(); ++d) {
      if (p[d] <= 0 || static_cast<int>(d) == m_opt_dim) {
        continue;
      }
      bool changed = blame_changes && (*parent)[d] != p[d];
      if (blame_changes && !changed) {
        continue;
      }
      double factor = changed ? kBlamePenalty : kSharedPenalty;
      m_weights[d][p[d]] = std::max(kMinWeight, m_weights[d][p[d]] * factor);
    }
  }

  SearchSpace m_space;
  int m_opt_dim = -1;
  std::mt19937_64 m_rng;
  std::unordered_set<std::string> m_seen;
  std::deque<Proposal> m_seeds;
  std::map<std::string, Pending> m_pending;
  std::vector<Result> m_results;
  Point m_anchor;
  std::optional<Point> m_best;
  double m_best_score = 1.0; // the baseline's, by definition of speedup
  std::vector<std::vector<double>> m_weights;
  std::vector<std::vector<int>> m_cover; // tried configs that carried each value
  std::vector<std::vector<uint32_t>> m_inert; // per value: -O levels where it changed nothing
  std::set<std::pair<size_t, int>> m_measurable_targets; // -march values some measured config carried
  std::vector<std::pair<Point, std::string>> m_codes; // measured configs and their code
  std::string m_anchor_code;                           // the baseline's, once a trial matched it
  std::vector<Point> m_tried;                          // every config proposed or observed
  mutable std::unordered_set<std::string> m_effective; // their keys without inert values (a cache)
  AucBandit m_bandit{kOpCount, kWindow, kExplorationC};
  size_t m_proposed = 0;     // proposals so far, history included
  size_t m_seeds_taken = 0;  // seeds consumed (proposed or skipped)
  size_t m_explore_until = 0;
  size_t m_explore_turn = 0;
};

} // namespace

std::unique_ptr<Planner> make_builtin_planner() { return std::make_unique<BuiltinPlanner>(); }

} // namespace llmcc
