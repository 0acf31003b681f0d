#include "tuner/pgo_holdout.h"

#include "tests/support/temp_dir.h"
#include "tuner/binary_install.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace llmcc;

namespace {

Candidate cand(double speedup, std::string opt, std::string pgo = "") {
  Candidate c;
  c.config.opt_level = std::move(opt);
  c.config.pgo = std::move(pgo);
  c.speedup = speedup;
  return c;
}

std::string display(const std::optional<Candidate>& c) { return c ? c->config.display() : "none"; }

} // namespace

TEST(PgoHoldout, ConfirmsTheBestPlainCandidateWhenOnlyProfilesWould) {
  std::vector<Candidate> sorted = {cand(1.52, "-O3", "h2"), cand(1.51, "", "h1"), cand(1.25, "-O3"),
                                   cand(1.20, "-O2")};
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[0]}, 0.001)), "-O3");
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[0], sorted[1]}, 0.001)), "-O3");
}

TEST(PgoHoldout, NothingWhenTheListHasAPlainCandidateOrNoProfile) {
  std::vector<Candidate> sorted = {cand(1.52, "-O3", "h2"), cand(1.25, "-O3"), cand(1.20, "-O2")};
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[0], sorted[1]}, 0.001)), "none");
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[1]}, 0.001)), "none");
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {}, 0.001)), "none");
}

TEST(PgoHoldout, APlainCandidateBelowTheThresholdIsNoRival) {
  std::vector<Candidate> sorted = {cand(1.52, "", "h1"), cand(1.005, "-O3"), cand(0.9, "-O1")};
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[0]}, 0.01)), "none");
  EXPECT_EQ(display(holdout_rival_to_confirm(sorted, {sorted[0]}, 0.001)), "-O3");
}

// ---- The --verify command as the holdout input, on the time objective ----------

namespace {

BenchSpec training_bench() {
  BenchSpec b;
  b.argv = {"./prog", "1"};
  b.cwd = "/work";
  b.format = "regex";
  b.regex = "score: ([0-9]+)";
  b.higher_is_better = true;
  return b;
}

PairRuns pairs_of(std::vector<double> base, std::vector<double> cand) {
  PairRuns r;
  r.ok = true;
  r.base = std::move(base);
  r.cand = std::move(cand);
  return r;
}

} // namespace

TEST(PgoHoldout, OnTimeTheVerifyCommandIsScoredByItsCpuTimeNotTheBenchmarksFormat) {
  const std::vector<std::string> verify = {"./prog", "6"};
  auto in = holdout_input(training_bench(), {}, verify, true, Objective::Time);
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->from_verify);
  EXPECT_EQ(in->bench.argv, verify);
  EXPECT_EQ(in->bench.cwd, "/work");
  EXPECT_EQ(in->bench.format, "time");
  EXPECT_EQ(in->bench.regex, "");
  EXPECT_FALSE(in->bench.higher_is_better);
  // Instructions: the same command, counted under callgrind.
  auto ins = holdout_input(training_bench(), {}, verify, true, Objective::Instructions);
  ASSERT_TRUE(ins);
  EXPECT_EQ(ins->bench.format, "time");
  // --bench-holdout is another input of the benchmark: read as the benchmark is.
  auto own = holdout_input(training_bench(), {"./prog", "7"}, verify, true, Objective::Time);
  ASSERT_TRUE(own);
  EXPECT_FALSE(own->from_verify);
  EXPECT_EQ(own->bench.argv, (std::vector<std::string>{"./prog", "7"}));
  EXPECT_EQ(own->bench.format, "regex");
  EXPECT_TRUE(own->bench.higher_is_better);
  // No guard: no PGO, no --verify, or the size objective (no run to score).
  EXPECT_FALSE(holdout_input(training_bench(), {}, verify, false, Objective::Time));
  EXPECT_FALSE(holdout_input(training_bench(), {}, {}, true, Objective::Time));
  EXPECT_FALSE(holdout_input(training_bench(), {}, verify, true, Objective::Size));
}

TEST(PgoHoldout, OnTimeTheMediansOfMaxFiveOrRepeatsPairsDecide) {
  EXPECT_EQ(holdout_pairs(false, 3), 5);
  EXPECT_EQ(holdout_pairs(false, 9), 9);
  EXPECT_EQ(holdout_pairs(true, 9), 1);
  // One slow outlier of the PGO winner does not decide; its median does.
  HoldoutVerdict v = holdout_verdict(pairs_of({0.30, 0.31, 0.29, 0.30, 0.32}, {0.28, 0.29, 0.95, 0.28, 0.27}));
  EXPECT_DOUBLE_EQ(v.ratio, 0.30 / 0.28);
  EXPECT_TRUE(v.keeps);
  v = holdout_verdict(pairs_of({0.30, 0.31, 0.29, 0.30, 0.32}, {0.33, 0.20, 0.31, 0.34, 0.32}));
  EXPECT_DOUBLE_EQ(v.ratio, 0.30 / 0.32);
  EXPECT_FALSE(v.keeps);
  // Equal medians: not slower, so the winner stands.
  EXPECT_TRUE(holdout_verdict(pairs_of({0.3, 0.3}, {0.3, 0.3})).keeps);
  // A holdout run that failed refuses the winner.
  PairRuns failed = pairs_of({0.3}, {});
  failed.ok = false;
  v = holdout_verdict(failed);
  EXPECT_FALSE(v.keeps);
  EXPECT_EQ(v.ratio, 0);
}

TEST(PgoHoldout, OnTimeTheVerifyRunsOfBothBuildsAreMeasuredSideBySideWithoutComparingOutputs) {
  llmcc::testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string prog = dir.path() + "/prog";
  // Two builds of "the program" that print different things on the holdout input.
  for (const auto& [name, text] : {std::pair{"base", "A"}, std::pair{"cand", "B"}, std::pair{"broken", "C"}}) {
    const std::string body = std::string("#!/bin/sh\necho ") + text + (std::string(name) == "broken" ? "\nexit 3\n" : "\n");
    ASSERT_TRUE(fs::write_file_atomic(prog, body).ok());
    std::filesystem::permissions(prog, std::filesystem::perms::owner_all);
    ASSERT_TRUE(save_program({prog}, dir.path() + "/" + name).ok());
  }
  BenchSpec bench = training_bench();
  bench.cwd = dir.path();
  auto in = holdout_input(bench, {}, {"/bin/sh", "-c", "./prog 6 && ./prog 7"}, true, Objective::Time);
  ASSERT_TRUE(in);
  AbMeasure holdout({prog}, in->bench, Objective::Time);
  holdout.set_reference("", OutputPolicy{false, ""});
  const int pairs = holdout_pairs(holdout.deterministic(), 3);
  PairRuns runs = holdout.measure_pairs(dir.path() + "/base", dir.path() + "/cand", pairs);
  ASSERT_TRUE(runs.ok) << runs.detail;
  EXPECT_EQ(runs.base.size(), 5u);
  EXPECT_EQ(runs.cand.size(), 5u);
  // A PGO winner whose holdout run fails is refused.
  PairRuns broken = holdout.measure_pairs(dir.path() + "/base", dir.path() + "/broken", pairs);
  EXPECT_FALSE(broken.ok);
  EXPECT_EQ(broken.verdict, Verdict::Crash);
  EXPECT_FALSE(holdout_verdict(broken).keeps);
}
