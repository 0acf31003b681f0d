#include "tuner/budget.h"
#include "tuner/screening.h"

#include <gtest/gtest.h>

using namespace llmcc;

TEST(Budget, SplitsByShareWithAFloorOfFour) {
  EXPECT_EQ(split_budget({0.56, 0.26, 0.05}, 20), (std::vector<int>{13, 6, 4}));
  EXPECT_EQ(split_budget({1.0}, 12), (std::vector<int>{12}));
  // All shares unknown: equal parts.
  EXPECT_EQ(split_budget({0, 0, 0}, 30), (std::vector<int>{10, 10, 10}));
  // The floor never exceeds the whole budget.
  EXPECT_EQ(split_budget({0.9, 0.1}, 2), (std::vector<int>{2, 2}));
}

TEST(Budget, StopsForNoGainOnlyAfterAFairLook) {
  // Patience is max(8, 2/3 of the budget).
  EXPECT_FALSE(no_gain_so_far(7, 12, 1.0, 0.01));
  EXPECT_TRUE(no_gain_so_far(8, 12, 1.0, 0.01));
  EXPECT_FALSE(no_gain_so_far(19, 30, 1.0, 0.01));
  EXPECT_TRUE(no_gain_so_far(20, 30, 1.0, 0.01));
  // A gain of more than twice the threshold keeps the TU going.
  EXPECT_FALSE(no_gain_so_far(20, 30, 1.03, 0.01));
  EXPECT_TRUE(no_gain_so_far(20, 30, 1.019, 0.01));
}

TEST(Budget, NeverThrowsTheUsersBudgetAway) {
  // The only (or last) hot TU keeps its trials, however flat the search looks.
  EXPECT_FALSE(stop_for_no_gain(20, 30, 1.0, 0.01, /*can_hand_on=*/false, /*seeds_left=*/false));
  // Known-good seeds (-fno-math-errno, -march=native, -O1/-O2 families) come first.
  EXPECT_FALSE(stop_for_no_gain(20, 30, 1.0, 0.01, /*can_hand_on=*/true, /*seeds_left=*/true));
  EXPECT_TRUE(stop_for_no_gain(20, 30, 1.0, 0.01, /*can_hand_on=*/true, /*seeds_left=*/false));
  EXPECT_FALSE(stop_for_no_gain(19, 30, 1.0, 0.01, /*can_hand_on=*/true, /*seeds_left=*/false));
}

// Candidates whose code was already measured cost a compile, not a trial: the
// budget buys measured programs, with at most `budget` repeats free so a planner
// that keeps repeating itself still ends.
TEST(TrialCount, RepeatsAreFreeUpToTheBudget) {
  TrialCount c(3);
  EXPECT_TRUE(c.add(false));
  EXPECT_FALSE(c.add(true));
  EXPECT_FALSE(c.add(true));
  EXPECT_TRUE(c.add(false));
  EXPECT_FALSE(c.spent());
  EXPECT_FALSE(c.add(true));
  EXPECT_TRUE(c.add(true)); // the fourth repeat: the free ones are used up
  EXPECT_TRUE(c.spent());
  EXPECT_EQ(c.trials(), 3);
  EXPECT_EQ(c.repeats(), 3);
}

TEST(TrialCount, RepeatVerdicts) {
  EXPECT_TRUE(is_repeat(Verdict::Identical, "same object code as the baseline"));
  EXPECT_TRUE(is_repeat(Verdict::Ok, kSameAsEarlier));
  EXPECT_TRUE(is_repeat(Verdict::Mismatch, kSameAsEarlier));
  EXPECT_FALSE(is_repeat(Verdict::Ok, ""));
  EXPECT_FALSE(is_repeat(Verdict::CompileError, "error: ..."));
}
