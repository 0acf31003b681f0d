#include "tuner/transfer.h"

#include <gtest/gtest.h>

using namespace llmcc;

namespace {

WinnerRecord winner(const std::string& rel, const std::string& compiler, const std::string& cls,
                    const std::string& option) {
  WinnerRecord w;
  w.source_rel = rel;
  w.compiler_id = compiler;
  w.hw_class = cls;
  w.config.opt_level = "-O3";
  w.config.options = {option};
  return w;
}

std::vector<std::string> displays(const std::vector<TuneConfig>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) {
    out.push_back(c.display());
  }
  return out;
}

} // namespace

TEST(Transfer, OnlyTheSameSourceOnThisCompilerAndClass) {
  std::vector<WinnerRecord> ws = {winner("a.c", "gcc", "x86-64-v4", "-fa"), winner("k.c", "gcc", "x86-64-v4", "-fk"),
                                  winner("k.c", "clang", "x86-64-v4", "-fb"), winner("k.c", "gcc", "x86-64-v3", "-fc"),
                                  winner("k.c", "gcc", "x86-64-v4", "-fk2"), winner("d.c", "gcc", "x86-64-v4", "-fd")};
  // Two keys of k.c (the code changed between sessions): the latest first.
  EXPECT_EQ(displays(transfer_seeds(ws, "gcc", "x86-64-v4", "k.c")), (std::vector<std::string>{"-O3 -fk2", "-O3 -fk"}));
  // A TU nobody tuned gets no winner of an unrelated program as its first trial.
  EXPECT_TRUE(transfer_seeds(ws, "gcc", "x86-64-v4", "nbody.c").empty());
  EXPECT_TRUE(transfer_seeds(ws, "gcc", "arm64", "k.c").empty());
}

TEST(Transfer, NeighboursWinnersFollowTheSameSourceInOrderOfDistance) {
  TuneConfig own;
  own.opt_level = "-O2";
  Neighbour a, b;
  a.distance = 0.1;
  a.winners = {winner("a.c", "gcc", "v4", "-fa"), winner("a.c", "gcc", "v4", "-fshared")};
  b.distance = 0.3;
  b.winners = {winner("b.c", "gcc", "v4", "-fshared"), winner("b.c", "gcc", "v4", "-fb")};
  EXPECT_EQ(displays(with_neighbour_seeds({own}, {a, b})),
            (std::vector<std::string>{"-O2", "-O3 -fa", "-O3 -fshared", "-O3 -fb"}));
  EXPECT_TRUE(with_neighbour_seeds({}, {}).empty());
}

TEST(Transfer, PlannerFeaturesCarryCountsAndNeighbours) {
  TuFeatures f;
  f.extractor = Extractor::Llvm;
  f.total[Feature::Loops] = 2;
  Neighbour n;
  n.source_rel = "b.c";
  n.distance = 0.25;
  n.winners = {winner("b.c", "clang", "v4", "-fb")};
  n.winners[0].speedup = 1.5;
  nlohmann::json j = planner_features(f, {n});
  EXPECT_EQ(j["extractor"], "llvm");
  EXPECT_EQ(j["counts"]["loops"], 2);
  EXPECT_EQ(j["neighbours"][0]["source"], "b.c");
  EXPECT_EQ(j["neighbours"][0]["winners"][0]["config"], "-O3 -fb");
  EXPECT_EQ(j["neighbours"][0]["winners"][0]["speedup"], 1.5);
}
