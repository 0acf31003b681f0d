#include "tuner/statistics.h"

#include <gtest/gtest.h>

using namespace llmcc;

namespace {

const std::vector<double> kBase = {100.2, 99.1, 100.9, 99.6, 100.0, 101.0, 99.3};
const std::vector<double> kFast = {80.4, 79.2, 80.9, 79.7, 80.0, 81.0, 79.5};

} // namespace

TEST(Statistics, Median) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({7}), 7);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(Statistics, MannWhitneySeparatedSamples) {
  double p = mann_whitney_p(kBase, kFast);
  EXPECT_LT(p, 0.01);
  EXPECT_GT(p, 0);
  EXPECT_DOUBLE_EQ(p, mann_whitney_p(kFast, kBase)); // two-sided
}

TEST(Statistics, MannWhitneyIdenticalSamples) {
  EXPECT_DOUBLE_EQ(mann_whitney_p(kBase, kBase), 1);
  EXPECT_DOUBLE_EQ(mann_whitney_p({5, 5, 5}, {5, 5, 5}), 1);
  EXPECT_DOUBLE_EQ(mann_whitney_p({}, {1, 2}), 1);
}

TEST(Statistics, MannWhitneyWithTies) {
  // Ties across the groups: still clearly separated apart from one shared value.
  double p = mann_whitney_p({10, 10, 11, 12, 12, 13, 14}, {1, 2, 2, 3, 4, 4, 10});
  EXPECT_LT(p, 0.01);
  EXPECT_GT(mann_whitney_p({1, 2, 3, 4}, {1, 2, 3, 5}), 0.5);
}

TEST(Compare, IdenticalSamplesDoNotWin) {
  Comparison c = compare(kBase, kBase);
  EXPECT_DOUBLE_EQ(c.speedup, 1);
  EXPECT_FALSE(c.win);
  EXPECT_FALSE(c.loss);
  EXPECT_LE(c.low, 1);
  EXPECT_GE(c.high, 1);
}

TEST(Compare, SeparatedSamplesWin) {
  Comparison c = compare(kBase, kFast);
  EXPECT_NEAR(c.speedup, 100.0 / 80.0, 1e-12);
  EXPECT_TRUE(c.win);
  EXPECT_FALSE(c.loss);
  EXPECT_GT(c.low, 1.1);
  EXPECT_GE(c.high, c.speedup);
  EXPECT_LE(c.low, c.speedup);
  EXPECT_LT(c.p_value, 0.01);

  // And the other way round is a loss.
  Comparison r = compare(kFast, kBase);
  EXPECT_FALSE(r.win);
  EXPECT_TRUE(r.loss);
  EXPECT_LT(r.high, 1);
}

TEST(Compare, OverlappingNoiseDoesNotWin) {
  std::vector<double> base = {100, 120, 90, 110, 95, 105, 115};
  std::vector<double> cand = {98, 118, 92, 108, 97, 103, 112};
  Comparison c = compare(base, cand);
  EXPECT_FALSE(c.win);
  EXPECT_FALSE(c.loss);
  EXPECT_LT(c.low, 1);
  EXPECT_GT(c.high, 1);
  EXPECT_GT(c.p_value, 0.05);
}

TEST(Compare, DeterministicForASeed) {
  std::vector<double> base = {100, 120, 90, 110, 95, 105, 115};
  std::vector<double> cand = {98, 118, 92, 108, 97, 103, 112};
  Comparison a = compare(base, cand, 0.01, 0.95, 7);
  Comparison b = compare(base, cand, 0.01, 0.95, 7);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
}

TEST(Compare, ZeroVarianceUsesThePointEstimate) {
  Comparison small = compare({100, 100, 100}, {99.5, 99.5, 99.5}, 0.01);
  EXPECT_FALSE(small.win);
  EXPECT_FALSE(small.loss);
  EXPECT_DOUBLE_EQ(small.low, small.speedup);
  EXPECT_DOUBLE_EQ(small.high, small.speedup);

  Comparison big = compare({100, 100, 100}, {90, 90, 90}, 0.01);
  EXPECT_TRUE(big.win);
  EXPECT_NEAR(big.speedup, 100.0 / 90.0, 1e-12);
  EXPECT_DOUBLE_EQ(big.low, big.speedup);

  // A single deterministic sample each is enough for instruction counts.
  Comparison single = compare({1000}, {900}, 0.01);
  EXPECT_TRUE(single.win);

  Comparison worse = compare({100, 100}, {110, 110}, 0.01);
  EXPECT_FALSE(worse.win);
  EXPECT_TRUE(worse.loss);
}

TEST(Compare, EmptyInputIsNeutral) {
  for (const auto& c : {compare({}, kFast), compare(kBase, {}), compare({}, {})}) {
    EXPECT_DOUBLE_EQ(c.speedup, 1);
    EXPECT_FALSE(c.win);
    EXPECT_FALSE(c.loss);
  }
}
