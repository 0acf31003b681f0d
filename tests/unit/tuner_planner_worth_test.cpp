#include "tuner/planner_worth.h"

#include <gtest/gtest.h>

using namespace llmcc;

namespace {

TrialRow trial(const std::string& opt, const std::string& op, Verdict v, std::optional<double> speedup,
               const std::string& planner = "hybrid") {
  TrialRow t;
  t.tu_key = "tu1";
  t.source = "/src/proj/a.c";
  t.config.opt_level = opt;
  t.planner = planner;
  t.op = op;
  t.verdict = v;
  t.speedup = speedup;
  return t;
}

} // namespace

TEST(PlannerWorth, CountsEachOriginFromTheTrials) {
  std::vector<TrialRow> trials = {
      trial("-O3", "llm", Verdict::Ok, 1.2),
      trial("-O1", "llm", Verdict::Ok, 0.8),
      trial("-Os", "llm", Verdict::Rejected, std::nullopt),
      trial("-Ofast", "llm", Verdict::CompileError, std::nullopt),
      trial("-O0", "llm", Verdict::Identical, 1.0),
      trial("-O2", "mutate", Verdict::Ok, 1.1),
      trial("-Og", "seed", Verdict::Crash, std::nullopt),
      trial("-O3", "confirm", Verdict::Ok, 1.19, "confirm"),
      trial("-O3", "confirm", Verdict::Ok, 1.18, "confirm"), // counted once
      trial("-O2", "confirm", Verdict::NotConfirmed, 1.0, "confirm"),
  };
  PlannerWorth w = planner_worth(trials, {{"a.c", "-O3"}});
  EXPECT_EQ(w.llm.to_json(), (nlohmann::json{{"proposed", 5}, {"rejected", 1}, {"compiled", 3}, {"correct", 3},
                                             {"faster", 1},   {"confirmed", 1}, {"winners", 1}}));
  EXPECT_EQ(w.builtin.to_json(), (nlohmann::json{{"proposed", 2}, {"rejected", 0}, {"compiled", 2}, {"correct", 1},
                                                 {"faster", 1},   {"confirmed", 0}, {"winners", 0}}));
  EXPECT_FALSE(w.usage);
  EXPECT_FALSE(w.to_json().contains("llm_usage"));
}

TEST(PlannerWorth, WinnersMatchOnlyTheirOwnSource) {
  std::vector<TrialRow> trials = {trial("-O2", "mutate", Verdict::Ok, 1.1)};
  EXPECT_EQ(planner_worth(trials, {{"b/a.c", "-O2"}}).builtin.winners, 0);
  EXPECT_EQ(planner_worth(trials, {{"oj/a.c", "-O2"}}).builtin.winners, 0);
  EXPECT_EQ(planner_worth(trials, {{"proj/a.c", "-O2"}}).builtin.winners, 1);
}

TEST(PlannerWorth, JsonRoundTripsAndDescribesOnlyWhenTheLlmTookPart) {
  PlannerWorth none;
  EXPECT_TRUE(none.describe().empty());
  PlannerWorth w;
  w.llm.proposed = 4;
  w.llm.winners = 1;
  w.builtin.proposed = 3;
  w.usage = LlmUsage{2, 1, 100, 50, 1.5};
  PlannerWorth back = PlannerWorth::from_json(w.to_json());
  EXPECT_EQ(back.to_json(), w.to_json());
  EXPECT_EQ(w.to_json()["llm_usage"]["tokens"], 150);
  auto lines = w.describe();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "LLM proposals: 4 made, 0 refused by the allow-list, 0 compiled, 0 correct, 0 faster than the "
                      "baseline, 0 confirmed, 1 winner(s)");
  EXPECT_EQ(lines[2], "LLM cost: 2 request(s), 1 cached, 150 tokens (100 prompt, 50 completion), 1.5 s waiting for "
                      "the endpoint");
}
