#include "tuner/planner.h"

#include "flags/allow_list.h"
#include "tests/support/planning_fixture.h"
#include "tuner/transfer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace llmcc {
namespace {

// ---- A synthetic, deterministic objective (no compiler) ---------------------------
//
// A hidden "true speedup" over gcc configs, shaped like real tuning results on a
// loop-heavy TU: -O3 beats -O2, -march=native pays off mostly when the vectoriser
// runs, turning core passes off hurts, some options break the build or the program,
// and a few gains hide where no generic starting config looks (prefetching, an
// inlining limit, an unroller pairing, the interchange that -O2 lacks). Every option
// not named gets a small fixed random effect, and each measurement a little noise.

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t text_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return mix(h);
}

// In [0, 1).
double unit(uint64_t h) { return static_cast<double>(h >> 11) / 9007199254740992.0; }

class SyntheticObjective {
public:
  TrialOutcome evaluate(const TuneConfig& c) const {
    TrialOutcome o;
    o.config = c;
    o.verdict = verdict(c);
    if (o.verdict != Verdict::Ok) {
      return o;
    }
    // Deterministic "measurement noise" of +-1.5%, and an interval around it.
    double noise = 1 + 0.03 * (unit(text_hash(c.canonical())) - 0.5);
    double s = true_speedup(c) * noise;
    o.speedup = s;
    o.speedup_low = s * 0.99;
    o.speedup_high = s * 1.01;
    return o;
  }

  double true_speedup(const TuneConfig& c) const {
    std::set<std::string> opts(c.options.begin(), c.options.end());
    auto has = [&](const char* o) { return opts.count(o) != 0; };
    auto param = [&](const std::string& name, long fallback) {
      std::string prefix = "--param=" + name + "=";
      for (const auto& o : opts) {
        if (o.rfind(prefix, 0) == 0) {
          return std::stol(o.substr(prefix.size()));
        }
      }
      return fallback;
    };
    std::string level = c.opt_level.empty() ? "-O2" : c.opt_level;
    static const std::map<std::string, double> kLevel = {
        {"-O1", 0.78}, {"-O2", 1.0}, {"-O3", 1.07}, {"-Os", 0.83}, {"-Oz", 0.72}};
    double s = kLevel.at(level);
    bool o3 = level == "-O3";
    bool optimising = level != "-O1";

    bool vectorise = (o3 || has("-ftree-vectorize") || has("-ftree-loop-vectorize")) &&
                     !has("-fno-tree-vectorize") && !has("-fno-tree-loop-vectorize") && level != "-O1";
    if (has("-march=native")) {
      s *= vectorise ? 1.08 : 1.02;
      if (has("-mprefer-vector-width=512")) {
        s *= 0.95; // frequency throttling
      }
    } else if (vectorise && !o3) {
      s *= 1.03;
    }
    if (has("-fvect-cost-model=very-cheap") && vectorise) {
      s *= 0.96;
    }
    if (has("-fno-math-errno")) {
      s *= 1.02;
    }

    // Unrolling helps a little, more with a higher unroll limit, and more again with
    // variable expansion (the two interact: neither alone gives the pair's gain).
    if (has("-funroll-loops") || has("-funroll-all-loops")) {
      s *= 1.02;
      long times = param("max-unroll-times", 8);
      if (times >= 16) {
        s *= 1.02;
      } else if (times <= 2) {
        s /= 1.02;
      }
      if (has("-fvariable-expansion-in-unroller")) {
        s *= 1.04;
      }
    }
    // Hidden gains.
    if (has("-fprefetch-loop-arrays") && optimising) {
      s *= 1.05;
    }
    if (param("max-inline-insns-auto", 15) >= 60) {
      s *= 1.05;
    }
    if (has("-fipa-pta")) {
      s *= 1.02;
    }
    // -O3 turns interchange on; at -O2 asking for it is a gain, at -O3 turning it off a loss.
    if (!o3 && has("-floop-interchange")) {
      s *= 1.05;
    }
    if (o3 && has("-fno-loop-interchange")) {
      s /= 1.05;
    }

    // Core passes turned off.
    static const std::map<std::string, double> kHarm = {
        {"-fno-inline-small-functions", 0.90}, {"-fno-ivopts", 0.93},           {"-fno-move-loop-invariants", 0.91},
        {"-fno-gcse", 0.96},                   {"-fno-tree-pre", 0.97},         {"-fno-schedule-insns2", 0.98},
        {"-fno-expensive-optimizations", 0.97}, {"-fno-reorder-blocks", 0.96}, {"-fno-if-conversion", 0.97},
        {"-fno-thread-jumps", 0.98},           {"-fno-peephole2", 0.98},        {"-fno-omit-frame-pointer", 0.98},
        {"-fno-inline-functions-called-once", 0.97},
    };
    static const std::set<std::string> kNamed = {
        "-march=native", "-mprefer-vector-width=512", "-fvect-cost-model=very-cheap", "-fno-math-errno",
        "-funroll-loops", "-funroll-all-loops", "-fvariable-expansion-in-unroller", "-fprefetch-loop-arrays",
        "-fipa-pta", "-floop-interchange", "-fno-loop-interchange", "-ftree-vectorize", "-ftree-loop-vectorize",
        "-fno-tree-vectorize", "-fno-tree-loop-vectorize"};
    for (const auto& o : opts) {
      if (auto it = kHarm.find(o); it != kHarm.end()) {
        if (optimising) {
          s *= it->second;
        }
      } else if (kNamed.count(o) == 0 && o.rfind("--param=max-unroll-times", 0) != 0 &&
                 o.rfind("--param=max-inline-insns-auto", 0) != 0) {
        // Everything else: a fixed small effect in [-1%, +1%].
        s *= 1 + (unit(text_hash(o)) * 0.02 - 0.010);
      }
    }
    return s;
  }

private:
  static Verdict verdict(const TuneConfig& c) {
    std::set<std::string> opts(c.options.begin(), c.options.end());
    auto has = [&](const char* o) { return opts.count(o) != 0; };
    if (c.opt_level == "-O3" && has("-fversion-loops-for-strides")) {
      return Verdict::CompileError; // an ICE
    }
    if (has("-fsplit-loops") && (has("-funroll-all-loops") || has("-fpeel-loops"))) {
      return Verdict::Mismatch; // a miscompile that only this pair triggers
    }
    if (has("--param=max-completely-peel-times=64")) {
      return Verdict::Timeout;
    }
    if (has("-fira-algorithm=priority")) {
      return Verdict::Crash;
    }
    return Verdict::Ok;
  }
};

// A branchy TU (sorting, an interpreter loop), shaped like the measured kernels:
// -O levels and -march=native barely matter, the usual seeds find nothing, and the
// gain hides in one option far from every seed (gcc sort: -ftree-loop-if-convert,
// 1.23x at any -O level), with a smaller one in another (-fno-if-conversion).
class BranchyObjective {
public:
  TrialOutcome evaluate(const TuneConfig& c) const {
    TrialOutcome o;
    o.config = c;
    o.verdict = Verdict::Ok;
    std::set<std::string> opts(c.options.begin(), c.options.end());
    auto has = [&](const char* x) { return opts.count(x) != 0; };
    static const std::map<std::string, double> kLevel = {
        {"-O1", 0.95}, {"-O2", 0.98}, {"-O3", 1.0}, {"-Os", 0.85}, {"-Oz", 0.75}};
    double s = kLevel.at(c.opt_level.empty() ? "-O2" : c.opt_level);
    if (has("-march=native")) {
      s *= 0.99;
    }
    if (has("-ftree-loop-if-convert")) {
      s *= 1.23;
    }
    if (has("-fno-if-conversion")) {
      s *= 1.04;
    }
    for (const auto& x : opts) {
      if (x != "-march=native" && x != "-ftree-loop-if-convert" && x != "-fno-if-conversion") {
        s *= 1 + (unit(text_hash(x)) * 0.02 - 0.011);
      }
    }
    double noise = 1 + 0.03 * (unit(text_hash(c.canonical())) - 0.5);
    o.speedup = s * noise;
    o.speedup_low = *o.speedup * 0.99;
    o.speedup_high = *o.speedup * 1.01;
    return o;
  }
};

PlanningContext make_context(CompilerFamily family, uint64_t seed) {
  PlanningContext ctx = llmcc::testing::kernel_planning_context(family);
  ctx.seed = seed;
  return ctx;
}

struct RunResult {
  std::vector<Proposal> proposals;
  std::vector<double> best_after; // best_after[i]: best speedup within the first i+1 trials
};

// The session loop in miniature: propose in batches, evaluate, observe.
template <typename Objective>
RunResult run_planner(Planner& planner, const PlanningContext& ctx, const Objective& objective,
                      size_t trials, size_t batch = 1, const std::vector<TrialOutcome>& history = {}) {
  RunResult r;
  planner.start(ctx, history);
  double best = 1.0; // the baseline
  while (r.proposals.size() < trials) {
    auto props = planner.propose(std::min(batch, trials - r.proposals.size()));
    if (props.empty()) {
      break;
    }
    for (auto& p : props) {
      TrialOutcome o = objective.evaluate(p.config);
      o.op = p.op;
      if (o.speedup) {
        best = std::max(best, *o.speedup);
      }
      r.best_after.push_back(best);
      r.proposals.push_back(p);
      planner.observe(o);
    }
  }
  return r;
}

using Factory = std::function<std::unique_ptr<Planner>()>;

struct PlannerCase {
  const char* name;
  Factory make;
};

class PlannerContract : public ::testing::TestWithParam<std::tuple<PlannerCase, CompilerFamily>> {};

TEST_P(PlannerContract, NeverDuplicatesAndStaysInsideTheAllowList) {
  auto [pc, family] = GetParam();
  for (size_t batch : {1u, 7u}) {
    auto planner = pc.make();
    auto ctx = make_context(family, 5);
    auto r = run_planner(*planner, ctx, SyntheticObjective{}, 200, batch);
    EXPECT_EQ(r.proposals.size(), 200u);
    std::set<std::string> seen{ctx.baseline.canonical()};
    for (const auto& p : r.proposals) {
      EXPECT_TRUE(seen.insert(p.config.canonical()).second) << "duplicate: " << p.config.display();
      EXPECT_FALSE(p.op.empty());
      auto v = check_config(p.config, family, SafetyPolicy{});
      EXPECT_TRUE(v.empty()) << p.config.display() << ": " << describe_violations(v);
    }
  }
}

TEST_P(PlannerContract, DeterministicPerSeed) {
  auto [pc, family] = GetParam();
  auto sequence = [&](uint64_t seed) {
    auto planner = pc.make();
    auto r = run_planner(*planner, make_context(family, seed), SyntheticObjective{}, 60, 3);
    std::vector<std::string> out;
    for (const auto& p : r.proposals) {
      out.push_back(p.op + " " + p.config.canonical());
    }
    return out;
  };
  auto a = sequence(17);
  EXPECT_EQ(a, sequence(17));
  EXPECT_NE(a, sequence(18));
}

TEST_P(PlannerContract, DoesNotReproposeHistory) {
  auto [pc, family] = GetParam();
  SyntheticObjective objective;
  auto ctx = make_context(family, 9);
  // A resumed session: the first run's outcomes are the second run's history.
  auto first = pc.make();
  auto r1 = run_planner(*first, ctx, objective, 30);
  std::vector<TrialOutcome> history;
  for (const auto& p : r1.proposals) {
    history.push_back(objective.evaluate(p.config));
  }
  auto second = pc.make();
  auto r2 = run_planner(*second, ctx, objective, 50, 4, history);
  EXPECT_EQ(r2.proposals.size(), 50u);
  std::set<std::string> old;
  for (const auto& h : history) {
    old.insert(h.config.canonical());
  }
  for (const auto& p : r2.proposals) {
    EXPECT_EQ(old.count(p.config.canonical()), 0u) << p.config.display();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Planners, PlannerContract,
    ::testing::Combine(::testing::Values(PlannerCase{"builtin", make_builtin_planner},
                                         PlannerCase{"random", make_random_planner}),
                       ::testing::Values(CompilerFamily::Gcc, CompilerFamily::Clang)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) + "_" + std::string(family_name(std::get<1>(info.param)));
    });

TEST(Planners, Names) {
  EXPECT_EQ(make_builtin_planner()->name(), "builtin");
  EXPECT_EQ(make_random_planner()->name(), "random");
}

TEST(BuiltinPlanner, SeedsWithTransferThenKnownGoodConfigs) {
  auto ctx = make_context(CompilerFamily::Gcc, 1);
  TuneConfig winner;
  winner.opt_level = "-O3";
  // 12 is between the space's grid points: the winner must survive as it is.
  winner.options = {"-funroll-loops", "--param=max-unroll-times=12"};
  TuneConfig foreign;
  foreign.opt_level = "-O2";
  foreign.options = {"-fipa-pta", "-fthis-is-not-in-the-space"};
  ctx.prior_winners = {winner, foreign};
  auto planner = make_builtin_planner();
  planner->start(ctx, {});
  auto props = planner->propose(4);
  ASSERT_EQ(props.size(), 4u);
  EXPECT_EQ(props[0].config.canonical(), winner.canonical());
  EXPECT_EQ(props[0].op, "seed");
  // What the space lacks is dropped, the rest is tried.
  EXPECT_EQ(props[1].config.display(), "-O2 -fipa-pta");
  EXPECT_EQ(props[2].config.display(), "-O3");
  EXPECT_EQ(props[3].config.display(), "-O3 -march=native");
}

TEST(BuiltinPlanner, NearNeighboursWinnersFollowTheCoreSeedsFarOnesAreNoSeeds) {
  auto ctx = make_context(CompilerFamily::Gcc, 1);
  ctx.budget = 10;
  auto winner_of = [](const std::string& opt, std::vector<std::string> options) {
    WinnerRecord w;
    w.config.opt_level = opt;
    w.config.options = std::move(options);
    return w;
  };
  Neighbour near, far;
  near.distance = 0.12;
  near.winners = {winner_of("-O2", {"-funroll-loops"})};
  far.distance = 0.45; // beyond kSimilarDistance: evidence for the LLM only
  far.winners = {winner_of("-O1", {"-fipa-pta"})};
  ctx.neighbour_winners = neighbour_seeds({near, far});
  auto planner = make_builtin_planner();
  planner->start(ctx, {});
  std::vector<std::string> seeds;
  for (const auto& p : planner->propose(12)) {
    if (p.op == "seed") {
      bool neighbour = p.rationale.find("similar TU") != std::string::npos;
      seeds.push_back((neighbour ? "neighbour " : "") + p.config.display());
    }
  }
  // The baseline (-O2) is one of the five core known-good seeds and is not
  // proposed, so the near neighbour's winner is the fifth seed tried.
  EXPECT_EQ(seeds, (std::vector<std::string>{"-O3", "-O3 -march=native", "-O1", "-O3 -march=native -funroll-loops",
                                             "neighbour -O2 -funroll-loops", "-Os", "-O2 -march=native",
                                             "-O3 -march=native -fno-math-errno", "-O3 -fno-math-errno",
                                             "-O3 -march=native -funroll-loops -fno-math-errno"}));
}

TEST(BuiltinPlanner, SeedsSkipOptionsOutsideTheSpace) {
  auto ctx = make_context(CompilerFamily::Gcc, 1);
  SafetyPolicy strict;
  strict.allow_errno_math = false;
  ctx.space = SearchSpace::build(CompilerFamily::Gcc, strict);
  auto planner = make_builtin_planner();
  planner->start(ctx, {});
  for (const auto& p : planner->propose(40)) {
    for (const auto& o : p.op == "seed" ? p.config.options : std::vector<std::string>{}) {
      EXPECT_NE(o, "-fno-math-errno");
    }
    EXPECT_TRUE(check_config(p.config, CompilerFamily::Gcc, strict).empty()) << p.config.display();
  }
}

TEST(BuiltinPlanner, SizeObjectiveSeedsSizeLevels) {
  auto ctx = make_context(CompilerFamily::Clang, 1);
  ctx.objective = "size";
  auto planner = make_builtin_planner();
  planner->start(ctx, {});
  auto props = planner->propose(2);
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(props[0].config.opt_level, "-Os");
  EXPECT_EQ(props[1].config.opt_level, "-Oz");
}

TEST(BuiltinPlanner, ClangSeedsUseKnobsFromTheSpace) {
  auto ctx = make_context(CompilerFamily::Clang, 1);
  auto planner = make_builtin_planner();
  planner->start(ctx, {});
  bool knob = false;
  for (const auto& p : planner->propose(40)) {
    for (const auto& o : p.op == "seed" ? p.config.options : std::vector<std::string>{}) {
      knob = knob || o.rfind("-mllvm -unroll-threshold=", 0) == 0;
    }
  }
  EXPECT_TRUE(knob);
}

TEST(BuiltinPlanner, LearnsToAvoidOptionsThatFail) {
  // Over many trials the built-in planner must keep proposing a failing option
  // less often than random search does.
  SyntheticObjective objective;
  auto count_failures = [&](const Factory& make) {
    size_t failures = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      auto planner = make();
      auto r = run_planner(*planner, make_context(CompilerFamily::Gcc, seed), objective, 80);
      for (const auto& p : r.proposals) {
        failures += objective.evaluate(p.config).verdict != Verdict::Ok ? 1 : 0;
      }
    }
    return failures;
  };
  size_t builtin = count_failures(make_builtin_planner);
  size_t random = count_failures(make_random_planner);
  std::printf("failed trials over 5 x 80: builtin %zu, random %zu\n", builtin, random);
  EXPECT_LT(builtin * 2, random);
}

// Drives the built-in planner on the synthetic objective for up to `trials`
// proposals; `on_native` may rewrite the outcome of each -march=native one.
template <class OnNative>
void drive_with_native(CompilerFamily family, int trials, OnNative on_native) {
  SyntheticObjective objective;
  auto planner = make_builtin_planner();
  planner->start(make_context(family, 1), {});
  for (int i = 0; i < trials; ++i) {
    auto props = planner->propose(1);
    if (props.empty()) {
      break;
    }
    const Proposal& p = props.front();
    TrialOutcome o = objective.evaluate(p.config);
    const auto& opts = p.config.options;
    if (std::find(opts.begin(), opts.end(), "-march=native") != opts.end()) {
      on_native(p, o);
    }
    planner->observe(o);
  }
}

TrialOutcome unmeasurable(const Proposal& p) {
  return TrialOutcome{p.config, p.op, Verdict::Unmeasurable, "callgrind cannot run this program"};
}

TEST(BuiltinPlanner, StopsProposingATargetItsMeasuringToolCannotRun) {
  // callgrind cannot run -march=native code on an AVX-512 CPU: once one such
  // candidate comes back unmeasurable, no seed or operator proposes
  // -march=native again, and no other option is blamed for it.
  for (auto family : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    size_t native = 0;
    drive_with_native(family, 60, [&](const Proposal& p, TrialOutcome& o) {
      ++native;
      o = unmeasurable(p);
    });
    EXPECT_EQ(native, 1u) << "the -march=native seed comes early, and nothing proposes it after it was unmeasurable";
  }
}

TEST(BuiltinPlanner, KeepsATargetSomeOfWhoseConfigsWereMeasured) {
  // -O3 -march=native ran under callgrind and is the best; a wider config with
  // it did not (its loops became AVX-512). -march=native stays in the search:
  // the best's mutations keep it.
  for (auto family : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    size_t unmeasured = 0;
    drive_with_native(family, 40, [&](const Proposal& p, TrialOutcome& o) {
      if (p.config.options.size() == 1 && p.config.opt_level == "-O3") {
        o.verdict = Verdict::Ok;
        o.speedup = o.speedup_low = o.speedup_high = 1.5; // measured, and the best
      } else {
        ++unmeasured;
        o = unmeasurable(p);
      }
    });
    EXPECT_GE(unmeasured, 2u) << "-march=native left the search although a config with it was measured";
  }
}

// The quality bar from the issue: the built-in planner must beat random search at
// equal budget; here, reach random's 40-trial result in at most 20 trials.
TEST(BuiltinPlanner, BeatsRandomSearchOnASyntheticObjective) {
  SyntheticObjective objective;
  const int kSeeds = 10;
  const size_t kTrials = 40;
  auto mean_best = [&](const Factory& make, std::vector<double>& at10, std::vector<double>& at20,
                       std::vector<double>& at40, double* seed_best) {
    double sum_seed_best = 0;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      auto planner = make();
      auto r = run_planner(*planner, make_context(CompilerFamily::Gcc, static_cast<uint64_t>(seed)), objective,
                           kTrials);
      EXPECT_EQ(r.best_after.size(), kTrials);
      at10.push_back(r.best_after[9]);
      at20.push_back(r.best_after[19]);
      at40.push_back(r.best_after[kTrials - 1]);
      double best_seed = 1.0;
      for (size_t i = 0; i < r.proposals.size(); ++i) {
        if (r.proposals[i].op == "seed") {
          if (auto s = objective.evaluate(r.proposals[i].config).speedup) {
            best_seed = std::max(best_seed, *s);
          }
        }
      }
      sum_seed_best += best_seed;
    }
    *seed_best = sum_seed_best / kSeeds;
  };
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / static_cast<double>(v.size());
  };
  std::vector<double> b10, b20, b40, r10, r20, r40;
  double builtin_seed_best = 0, random_seed_best = 0;
  mean_best(make_builtin_planner, b10, b20, b40, &builtin_seed_best);
  mean_best(make_random_planner, r10, r20, r40, &random_seed_best);
  std::printf("mean best speedup after 10/20/40 trials over %d seeds:\n", kSeeds);
  std::printf("  builtin: %.4f %.4f %.4f  (best of its seed phase %.4f)\n", mean(b10), mean(b20), mean(b40),
              builtin_seed_best);
  std::printf("  random:  %.4f %.4f %.4f\n", mean(r10), mean(r20), mean(r40));

  EXPECT_GE(mean(b20), mean(r40));
  EXPECT_GE(mean(b40), mean(r40));
  // The seed list alone must not be what wins: the bandit has to find gains beyond it.
  EXPECT_GT(mean(b40), builtin_seed_best * 1.03);
}

// Where the gain is far from every seed, the planner has to explore: group testing
// (dense draws) must find the hidden option at least as fast as random search.
TEST(BuiltinPlanner, FindsAGainFarFromTheSeeds) {
  BranchyObjective objective;
  const int kSeeds = 10;
  double b20 = 0, r40 = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    auto ctx = make_context(CompilerFamily::Gcc, static_cast<uint64_t>(seed));
    ctx.baseline.opt_level = "-O3";
    ctx.budget = 40;
    auto builtin = make_builtin_planner();
    auto random = make_random_planner();
    b20 += run_planner(*builtin, ctx, objective, 40).best_after[19];
    r40 += run_planner(*random, ctx, objective, 40).best_after[39];
  }
  std::printf("branchy objective, mean best: builtin after 20 %.4f, random after 40 %.4f\n", b20 / kSeeds,
              r40 / kSeeds);
  EXPECT_GE(b20, r40);
  EXPECT_GT(b20 / kSeeds, 1.15); // found the hidden option in most seeds
}

} // namespace
} // namespace llmcc

namespace llmcc {
namespace {

// A TU is not given up for "no gain" before the known-good seeds were tried:
// the built-in planner says whether any is left, and the -fno-math-errno and
// -march=native families are among them.
TEST(BuiltinPlanner, SaysWhileKnownGoodSeedsAreLeft) {
  auto planner = make_builtin_planner();
  planner->start(make_context(CompilerFamily::Gcc, 3), {});
  EXPECT_TRUE(planner->has_pending_seeds());
  std::set<std::string> seen;
  int proposals = 0;
  while (planner->has_pending_seeds() && proposals < 40) {
    auto ps = planner->propose(1);
    ASSERT_EQ(ps.size(), 1u);
    TrialOutcome o;
    o.config = ps[0].config;
    o.op = ps[0].op;
    o.verdict = Verdict::Ok;
    o.speedup = o.speedup_low = o.speedup_high = 1.0; // a flat TU: nothing helps
    planner->observe(o);
    seen.insert(ps[0].config.display());
    ++proposals;
  }
  EXPECT_FALSE(planner->has_pending_seeds());
  EXPECT_LT(proposals, 40);
  EXPECT_TRUE(seen.count("-O3 -fno-math-errno")) << proposals;
  EXPECT_TRUE(seen.count("-O3 -march=native -fno-math-errno")) << proposals;
  EXPECT_TRUE(seen.count("-O1")) << proposals;
  EXPECT_TRUE(seen.count("-O2 -march=native")) << proposals;
  EXPECT_FALSE(make_random_planner()->has_pending_seeds());
}

} // namespace
} // namespace llmcc

namespace llmcc {
namespace {

// A TU on which most options are inert, as on real code: the -O level, four
// named options and one option in 25 (by hash) change the object code;
// everything else compiles to the same program. Outcomes carry the code hash, as
// screening reports it.
class InertObjective {
public:
  explicit InertObjective(bool report_code) : m_report_code(report_code) {}

  TrialOutcome evaluate(const TuneConfig& c) const {
    static const std::map<std::string, double> kLive = {{"-march=native", 1.06},
                                                        {"-funroll-loops", 1.03},
                                                        {"-ftree-loop-if-convert", 1.20},
                                                        {"-fno-if-conversion", 1.04}};
    static const std::map<std::string, double> kLevel = {
        {"-O1", 0.95}, {"-O2", 0.99}, {"-O3", 1.0}, {"-Os", 0.85}, {"-Oz", 0.75}};
    std::string level = c.opt_level.empty() ? "-O2" : c.opt_level;
    std::string code = level;
    double s = kLevel.at(level);
    std::vector<std::string> sorted = c.options;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& option : sorted) {
      if (auto it = kLive.find(option); it != kLive.end()) {
        code += " " + option;
        s *= it->second;
      } else if (unit(text_hash(option)) < 0.04) {
        code += " " + option;
        s *= 1 + (unit(text_hash(option + "#")) * 0.02 - 0.011);
      }
    }
    TrialOutcome o;
    o.config = c;
    o.verdict = code == "-O3" ? Verdict::Identical : Verdict::Ok;
    o.speedup = o.verdict == Verdict::Identical ? 1.0 : s;
    o.speedup_low = *o.speedup * 0.99;
    o.speedup_high = *o.speedup * 1.01;
    if (m_report_code) {
      o.code = std::to_string(text_hash(code));
    }
    return o;
  }

private:
  bool m_report_code;
};

struct InertRun {
  int proposals = 0;
  int repeats = 0; // same code as an earlier trial or the baseline
  double best = 1.0;
};

InertRun run_inert(bool report_code, int measured_budget) {
  auto planner = make_builtin_planner();
  planner->start(make_context(CompilerFamily::Gcc, 4), {});
  InertObjective objective(report_code);
  InertObjective truth(true);
  std::set<std::string> codes{std::to_string(text_hash("-O3"))};
  InertRun r;
  int measured = 0;
  while (measured < measured_budget && r.proposals < 4 * measured_budget) {
    auto ps = planner->propose(1);
    if (ps.empty()) {
      break;
    }
    ++r.proposals;
    TrialOutcome o = objective.evaluate(ps[0].config);
    o.op = ps[0].op;
    if (codes.insert(truth.evaluate(ps[0].config).code).second) {
      ++measured;
      r.best = std::max(r.best, *o.speedup);
    } else {
      ++r.repeats;
    }
    planner->observe(o);
  }
  return r;
}

// Options shown to change nothing for this TU (a config and another with the same
// code, a few options apart) are not proposed again: the planner's proposals go
// to programs it has not measured.
TEST(BuiltinPlanner, LearnsWhichOptionsAreInert) {
  InertRun blind = run_inert(false, 30);
  InertRun seeing = run_inert(true, 30);
  EXPECT_LE(seeing.repeats, blind.repeats);
  EXPECT_GT(seeing.best, blind.best * 1.02) << seeing.best << " vs " << blind.best;
}

// -O3 -fno-math-errno compiled to the baseline's code: -fno-math-errno is inert at
// -O3, so the seeds that only add it to a config already tried are skipped.
TEST(BuiltinPlanner, SkipsSeedsThatDifferOnlyByAnInertOption) {
  for (bool report_code : {false, true}) {
    auto planner = make_builtin_planner();
    PlanningContext ctx = make_context(CompilerFamily::Gcc, 2);
    ctx.baseline = TuneConfig{};
    ctx.baseline.opt_level = "-O3";
    TrialOutcome same;
    same.config.opt_level = "-O3";
    same.config.options = {"-fno-math-errno"};
    same.op = "seed";
    same.verdict = Verdict::Identical;
    same.speedup = same.speedup_low = same.speedup_high = 1.0;
    same.code = report_code ? "baseline-code" : "";
    planner->start(ctx, {same});
    std::set<std::string> proposed;
    for (int i = 0; i < 30; ++i) {
      auto ps = planner->propose(1);
      ASSERT_EQ(ps.size(), 1u);
      proposed.insert(ps[0].config.display());
      TrialOutcome o;
      o.config = ps[0].config;
      o.op = ps[0].op;
      o.speedup = o.speedup_low = o.speedup_high = 1.0;
      o.code = report_code ? ps[0].config.display() : ""; // every other config: its own program
      planner->observe(o);
    }
    EXPECT_TRUE(proposed.count("-O3 -march=native"));
    EXPECT_TRUE(proposed.count("-O3 -march=native -funroll-loops"));
    EXPECT_EQ(proposed.count("-O3 -march=native -fno-math-errno"), report_code ? 0u : 1u);
    EXPECT_EQ(proposed.count("-O3 -march=native -funroll-loops -fno-math-errno"), report_code ? 0u : 1u);
  }
}

} // namespace
} // namespace llmcc

namespace llmcc {
namespace {

// The operators of the first `count` proposals at `budget`, on a TU where only
// what `wins` accepts beats the -O3 baseline (by 10%) and everything else loses 3%.
std::vector<std::string> schedule(size_t budget, const std::function<bool(const TuneConfig&)>& wins,
                                  size_t count) {
  auto planner = make_builtin_planner();
  PlanningContext ctx = make_context(CompilerFamily::Gcc, 5);
  ctx.baseline = TuneConfig{};
  ctx.baseline.opt_level = "-O3";
  ctx.budget = budget;
  planner->start(ctx, {});
  std::vector<std::string> ops;
  while (ops.size() < count) {
    auto ps = planner->propose(1);
    if (ps.empty()) {
      break;
    }
    TrialOutcome o;
    o.config = ps[0].config;
    o.op = ps[0].op;
    o.speedup = o.speedup_low = o.speedup_high = wins(ps[0].config) ? 1.10 : 0.97;
    o.code = ps[0].config.display(); // every config its own program
    planner->observe(o);
    ops.push_back(ps[0].op);
  }
  return ops;
}

std::string joined(const std::vector<std::string>& ops) {
  std::string out;
  for (const auto& op : ops) {
    out += (out.empty() ? "" : " ") + op;
  }
  return out;
}

// At the budgets users pass, as at 40, the turns after the core seeds explore even
// when a seed already beats the baseline. Mutating the best instead, once it beats
// the baseline, lost 2.5% on gcc strsearch at budget 12 (docs/benchmarks.md, run G:
// the best was a dense exploration draw, whose one-option mutations were its own
// code, where ablation found the gain); mutating it always lost more (run F).
TEST(BuiltinPlanner, SmallBudgetsExploreAfterTheCoreSeedsWhateverTheSeedsFound) {
  auto native = [](const TuneConfig& c) {
    return std::find(c.options.begin(), c.options.end(), "-march=native") != c.options.end();
  };
  auto nothing = [](const TuneConfig&) { return false; };
  // The first seed, -O3 -march=native, wins from the first trial on. The baseline
  // is the first core seed (skipped), so the turns start at the fifth trial and
  // fill two in three of the first 60% of the budget.
  const std::string at12 = "seed seed seed seed explore explore seed seed";
  EXPECT_EQ(joined(schedule(12, native, 8)), at12);
  EXPECT_EQ(joined(schedule(12, nothing, 8)), at12);
  const std::string at20 = "seed seed seed seed explore explore seed explore explore seed explore explore";
  EXPECT_EQ(joined(schedule(20, native, 12)), at20);
  EXPECT_EQ(joined(schedule(20, nothing, 12)), at20);
  EXPECT_EQ(joined(schedule(40, native, 12)), at20);
}

} // namespace
} // namespace llmcc
