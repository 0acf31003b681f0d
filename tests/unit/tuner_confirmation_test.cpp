#include "tuner/confirmation.h"

#include <gtest/gtest.h>

using namespace llmcc;

namespace {

Candidate cand(double speedup, std::vector<std::string> options, std::string opt = "-O3") {
  Candidate c;
  c.config.opt_level = std::move(opt);
  c.config.options = std::move(options);
  c.speedup = speedup;
  return c;
}

ConfirmedWin win(double speedup, double low, double high, size_t options) {
  ConfirmedWin w;
  w.cand = cand(speedup, std::vector<std::string>(options, "-fx"));
  for (size_t i = 0; i < options; ++i) {
    w.cand.config.options[i] = "-f" + std::to_string(i);
  }
  w.cmp.speedup = speedup;
  w.cmp.low = low;
  w.cmp.high = high;
  w.cmp.win = true;
  return w;
}

std::vector<std::string> displays(const std::vector<Candidate>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) {
    out.push_back(c.config.display());
  }
  return out;
}

} // namespace

TEST(Confirmation, TakesTheBestFewAboveTheThreshold) {
  std::vector<Candidate> sorted = {cand(1.30, {"-fa", "-fb"}), cand(1.20, {"-fc", "-fd"}), cand(1.10, {"-fe", "-ff"}),
                                   cand(1.05, {"-fg", "-fh"}), cand(1.004, {"-fi"})};
  EXPECT_EQ(displays(confirmation_list(sorted, 3, 0.01)),
            (std::vector<std::string>{"-O3 -fa -fb", "-O3 -fc -fd", "-O3 -fe -ff"}));
  EXPECT_EQ(displays(confirmation_list(sorted, 1, 0.01)), (std::vector<std::string>{"-O3 -fa -fb"}));
  // Nothing above 1 + threshold: nothing to confirm.
  EXPECT_TRUE(confirmation_list({cand(1.009, {"-fa"})}, 3, 0.01).empty());
  EXPECT_TRUE(confirmation_list({}, 3, 0.01).empty());
}

TEST(Confirmation, AddsTheSimplestNearBestCandidate) {
  // A dense exploration winner, and a plain config within 2% of it further down.
  std::vector<Candidate> sorted = {cand(1.50, {"-fa", "-fb", "-fc", "-fd"}), cand(1.49, {"-fa", "-fb", "-fc"}),
                                   cand(1.48, {"-fa", "-fb"}), cand(1.475, {}, "-O2"), cand(1.40, {})};
  EXPECT_EQ(displays(confirmation_list(sorted, 3, 0.01)),
            (std::vector<std::string>{"-O3 -fa -fb -fc -fd", "-O3 -fa -fb -fc", "-O3 -fa -fb", "-O2"}));
  // 1.40 is more than 2% behind the best: not added.
  sorted.erase(sorted.begin() + 3);
  EXPECT_EQ(displays(confirmation_list(sorted, 3, 0.01)),
            (std::vector<std::string>{"-O3 -fa -fb -fc -fd", "-O3 -fa -fb -fc", "-O3 -fa -fb"}));
}

TEST(Confirmation, NoWinWithoutConfirmedWins) { EXPECT_EQ(choose_winner({}), std::nullopt); }

TEST(Confirmation, FewestOptionsAmongThoseOverlappingTheBest) {
  std::vector<ConfirmedWin> wins = {win(1.30, 1.25, 1.35, 5), win(1.27, 1.24, 1.31, 1), win(1.10, 1.08, 1.12, 0)};
  // 1.27 overlaps 1.30's interval and has fewer options; 1.10 does not overlap.
  EXPECT_EQ(choose_winner(wins), 1u);
  // Without overlap the fastest stays.
  wins[1].cmp.high = 1.24;
  EXPECT_EQ(choose_winner(wins), 0u);
  // Ties in speedup: the first of them is the best.
  std::vector<ConfirmedWin> ties = {win(1.2, 1.1, 1.3, 2), win(1.2, 1.1, 1.3, 2)};
  EXPECT_EQ(choose_winner(ties), 0u);
}
