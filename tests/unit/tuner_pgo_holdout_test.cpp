#include "tuner/pgo_holdout.h"

#include <gtest/gtest.h>

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
