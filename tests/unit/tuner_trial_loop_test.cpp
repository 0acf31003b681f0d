// The order of a TU's trials (tuner/trial_loop.h) with the real built-in planner
// and a synthetic, deterministic objective: a --pgo session's plain trials are
// exactly a plain session's, its profile trials come after them within the
// bound, and a session killed anywhere and resumed runs the same trials.
#include "tuner/trial_loop.h"

#include "tests/support/planning_fixture.h"
#include "tuner/budget.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace llmcc;

namespace {

uint64_t text_hash(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

double unit(uint64_t h) { return static_cast<double>(h >> 11) / 9007199254740992.0; }

// The synthetic objective: a speedup in [0.85, 1.25) per config, a few
// configs that break the program, and a profile worth 4%. With `gcc_early`,
// a profile holds only for the flags it was trained with (gcc's early passes):
// a config with its own -O level mismatches the user's profile.
class FakeScreen : public TrialScreen {
public:
  explicit FakeScreen(bool gcc_early = false, int stop_after = -1) : m_gcc_early(gcc_early), m_left(stop_after) {}

  std::optional<TrialOutcome> screen(const Proposal& p, int number) override {
    --m_left;
    numbers.push_back(number);
    TrialOutcome o{p.config, p.op, Verdict::Ok, "", std::nullopt, std::nullopt, std::nullopt};
    TuneConfig plain = p.config;
    plain.pgo.clear();
    const uint64_t h = text_hash(plain.canonical());
    if (h % 11 == 0) {
      o.verdict = Verdict::Mismatch;
    } else if (p.config.uses_profile() && m_gcc_early && !p.config.opt_level.empty() &&
               p.config.pgo != "trained:" + plain.canonical()) {
      o.verdict = Verdict::ProfileMismatch;
    } else {
      double s = 0.85 + 0.4 * unit(h);
      if (p.config.uses_profile()) {
        s *= 1.04;
      }
      o.speedup = o.speedup_low = o.speedup_high = s;
    }
    trials.push_back(o);
    return o;
  }
  std::optional<std::string> profile_for(const Proposal& p) override {
    if (p.op == kRetrainedOp) {
      TuneConfig plain = p.config;
      plain.pgo.clear();
      return "trained:" + plain.canonical();
    }
    return std::string("user");
  }
  bool stopped() const override { return m_left == 0; }
  void shown(const Proposal&, const TrialOutcome&, const TrialTally&) override {}
  void say(const std::string& line) override { said.push_back(line); }

  std::vector<TrialOutcome> trials;
  std::vector<int> numbers;
  std::vector<std::string> said;

private:
  bool m_gcc_early;
  int m_left;
};

std::string text(const TrialOutcome& o) { return o.op + " " + o.config.display(); }

std::vector<std::string> texts(const std::vector<TrialOutcome>& v) {
  std::vector<std::string> out;
  for (const auto& o : v) {
    out.push_back(text(o));
  }
  return out;
}

std::vector<std::string> plain_texts(const std::vector<TrialOutcome>& v) {
  std::vector<std::string> out;
  for (const auto& o : v) {
    if (!o.config.uses_profile()) {
      out.push_back(text(o));
    }
  }
  return out;
}

struct LoopRun {
  std::vector<TrialOutcome> trials;
  std::vector<int> numbers;
  TrialTally tally;
};

// One TU's loop, as tu_tuning runs it: the planner sees the plain history only.
LoopRun run_loop(int budget, bool pgo, const std::vector<TrialOutcome>& history = {}, bool gcc_early = false,
             int stop_after = -1, uint64_t seed = 1) {
  PlanningContext ctx = llmcc::testing::kernel_planning_context();
  ctx.seed = seed;
  ctx.budget = static_cast<size_t>(budget);
  auto planner = make_builtin_planner();
  std::vector<TrialOutcome> plain_history;
  for (const auto& h : history) {
    if (!h.config.uses_profile()) {
      plain_history.push_back(h);
    }
  }
  std::optional<PgoSchedule> schedule;
  if (pgo) {
    schedule.emplace(budget, 0.001);
    schedule->start(history);
  }
  planner->start(ctx, plain_history);
  FakeScreen screen(gcc_early, stop_after);
  LoopRun r;
  EXPECT_TRUE(run_trial_loop(*planner, schedule ? &*schedule : nullptr, history, {"k.c", budget, 0.001, false},
                             screen, r.tally));
  r.trials = screen.trials;
  r.numbers = screen.numbers;
  return r;
}

} // namespace

TEST(TrialLoop, APgoSessionsPlainTrialsAreThePlainSessionsThenTheProfileTrials) {
  for (int budget : {4, 12, 30}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      LoopRun plain = run_loop(budget, false, {}, false, -1, seed);
      LoopRun pgo = run_loop(budget, true, {}, false, -1, seed);
      ASSERT_EQ(plain.tally.trials, budget);
      EXPECT_EQ(pgo.tally.trials, budget);
      EXPECT_EQ(plain.tally.profile_trials, 0);
      // The same plain trials, in the same order, with the same numbers.
      const size_t n = plain.trials.size();
      ASSERT_GE(pgo.trials.size(), n);
      EXPECT_EQ(texts(std::vector<TrialOutcome>(pgo.trials.begin(), pgo.trials.begin() + static_cast<long>(n))),
                texts(plain.trials))
          << "budget " << budget << " seed " << seed;
      EXPECT_EQ(std::vector<int>(pgo.numbers.begin(), pgo.numbers.begin() + static_cast<long>(n)), plain.numbers);
      // Then only profile trials, PGO alone first, within the bound.
      std::vector<std::string> profile = texts(std::vector<TrialOutcome>(pgo.trials.begin() + static_cast<long>(n),
                                                                         pgo.trials.end()));
      ASSERT_FALSE(profile.empty());
      EXPECT_EQ(profile.front(), "pgo pgo=use");
      EXPECT_EQ(static_cast<int>(profile.size()), pgo.tally.profile_trials);
      EXPECT_LE(pgo.tally.profile_trials, profile_trial_bound(budget));
      for (size_t i = n; i < pgo.trials.size(); ++i) {
        EXPECT_TRUE(pgo.trials[i].config.uses_profile()) << text(pgo.trials[i]);
      }
    }
  }
}

TEST(TrialLoop, TheTwinsAreOfTheBestPlainConfigs) {
  LoopRun pgo = run_loop(12, true);
  std::vector<TrialOutcome> plain;
  for (const auto& o : pgo.trials) {
    if (!o.config.uses_profile() && o.verdict == Verdict::Ok) {
      plain.push_back(o);
    }
  }
  std::stable_sort(plain.begin(), plain.end(),
                   [](const TrialOutcome& a, const TrialOutcome& b) { return *a.speedup > *b.speedup; });
  ASSERT_GE(plain.size(), 2u);
  ASSERT_GT(*plain[1].speedup, 1.001) << "the synthetic objective no longer gives two real gains";
  std::vector<std::string> want = {"pgo pgo=use"};
  for (size_t i = 0; i < 2; ++i) {
    TuneConfig c = plain[i].config;
    c.pgo = "user";
    want.push_back("pgo " + c.display());
  }
  EXPECT_EQ(plain_texts(pgo.trials).size() + want.size(), pgo.trials.size());
  EXPECT_EQ(texts(std::vector<TrialOutcome>(pgo.trials.end() - 3, pgo.trials.end())), want);
}

TEST(TrialLoop, GccTwinsMismatchedAreRetrainedWithinTheirTrial) {
  LoopRun pgo = run_loop(12, true, {}, /*gcc_early=*/true);
  std::vector<std::string> profile;
  for (const auto& o : pgo.trials) {
    if (o.config.uses_profile()) {
      profile.push_back(o.op + " " + std::string(to_string(o.verdict)) + " " + o.config.pgo.substr(0, 8));
    }
  }
  // PGO alone uses the user's profile; every twin mismatches, then runs with its own.
  ASSERT_EQ(profile.size(), 5u) << ::testing::PrintToString(profile);
  EXPECT_EQ(profile[0], "pgo ok user");
  for (size_t i : {1u, 3u}) {
    EXPECT_EQ(profile[i], "pgo profile_mismatch user");
    EXPECT_EQ(profile[i + 1], "pgo-retrain ok trained:");
  }
  EXPECT_EQ(pgo.tally.profile_trials, 3);
}

// A killed session, resumed: what was tried is kept and not tried again. The
// built-in planner's own resume (from the plain history) decides the plain
// trials after a kill, so with and without --pgo they are the same; killed in
// the profile trials, the resumed session ends exactly as the whole one.
TEST(TrialLoop, AKilledPgoSessionResumesToThePlainSessionsTrialsAndItsProfileTrials) {
  for (bool gcc_early : {false, true}) {
    LoopRun whole = run_loop(12, true, {}, gcc_early);
    const size_t plain_count = plain_texts(whole.trials).size();
    for (size_t kill = 1; kill < whole.trials.size(); ++kill) {
      const std::string where = "killed after " + std::to_string(kill) + " trials, gcc " + std::to_string(gcc_early);
      LoopRun first = run_loop(12, true, {}, gcc_early, static_cast<int>(kill));
      ASSERT_EQ(first.trials.size(), kill);
      LoopRun rest = run_loop(12, true, first.trials, gcc_early);
      std::vector<TrialOutcome> all = first.trials;
      all.insert(all.end(), rest.trials.begin(), rest.trials.end());
      EXPECT_EQ(rest.tally.trials, 12) << where;
      EXPECT_EQ(rest.tally.profile_trials, whole.tally.profile_trials) << where;
      // Plain trials first, then profile trials; nothing tried twice.
      const size_t plain = plain_texts(all).size();
      std::set<std::string> seen;
      for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].config.uses_profile(), i >= plain) << where << ": " << text(all[i]);
        EXPECT_TRUE(seen.insert(text(all[i]) + " " + all[i].config.pgo).second) << where << ": " << text(all[i]);
      }
      if (kill >= plain_count) {
        EXPECT_EQ(texts(all), texts(whole.trials)) << where;
        continue;
      }
      // Killed in the plain search: the plain session killed there and resumed tries the same.
      LoopRun plain_first = run_loop(12, false, {}, gcc_early, static_cast<int>(kill));
      LoopRun plain_rest = run_loop(12, false, plain_first.trials, gcc_early);
      std::vector<TrialOutcome> plain_all = plain_first.trials;
      plain_all.insert(plain_all.end(), plain_rest.trials.begin(), plain_rest.trials.end());
      EXPECT_EQ(plain_texts(all), texts(plain_all)) << where;
    }
  }
}

TEST(TrialLoop, ATuStoppedForNoGainStaysStoppedWhenResumed) {
  // Every plain config loses: the TU stops after a fair look (budget.h) when
  // its trials can go to another TU, and a resume does not start it again.
  class Losing : public FakeScreen {
  public:
    using FakeScreen::FakeScreen;
    std::optional<TrialOutcome> screen(const Proposal& p, int number) override {
      auto o = FakeScreen::screen(p, number);
      if (o && o->speedup && !p.config.uses_profile()) {
        o->speedup = o->speedup_low = o->speedup_high = 0.9;
        trials.back() = *o;
      }
      return o;
    }
  };
  auto run = [](const std::vector<TrialOutcome>& history, int stop_after) {
    PlanningContext ctx = llmcc::testing::kernel_planning_context();
    ctx.budget = 30;
    auto planner = make_builtin_planner();
    std::vector<TrialOutcome> plain;
    for (const auto& h : history) {
      if (!h.config.uses_profile()) {
        plain.push_back(h);
      }
    }
    PgoSchedule schedule(30, 0.001);
    schedule.start(history);
    planner->start(ctx, plain);
    Losing screen(false, stop_after);
    TrialTally tally;
    EXPECT_TRUE(run_trial_loop(*planner, &schedule, history, {"k.c", 30, 0.001, true}, screen, tally));
    return screen.trials;
  };
  std::vector<TrialOutcome> whole = run({}, -1);
  const size_t plain_count = plain_texts(whole).size();
  ASSERT_LT(plain_count, 30u) << "no early stop";
  EXPECT_EQ(texts({whole.back()}), std::vector<std::string>{"pgo pgo=use"}) << "PGO alone still runs";
  // Killed right after the last plain trial, before PGO alone.
  std::vector<TrialOutcome> first = run({}, static_cast<int>(plain_count));
  std::vector<TrialOutcome> rest = run(first, -1);
  EXPECT_EQ(texts(rest), std::vector<std::string>{"pgo pgo=use"});
}
