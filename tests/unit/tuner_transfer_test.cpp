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

TEST(Transfer, OnlyNeighboursNearerThanTheThresholdLendSeeds) {
  Neighbour a, b, far;
  a.distance = 0.1;
  a.winners = {winner("a.c", "gcc", "v4", "-fa"), winner("a.c", "gcc", "v4", "-fshared")};
  b.distance = 0.29;
  b.winners = {winner("b.c", "gcc", "v4", "-fshared"), winner("b.c", "gcc", "v4", "-fb")};
  far.distance = 0.3; // not nearer than kSimilarDistance: evidence for the prompt only
  far.winners = {winner("f.c", "gcc", "v4", "-ffar")};
  EXPECT_EQ(kSimilarDistance, 0.3);
  EXPECT_EQ(displays(neighbour_seeds({a, b, far})), (std::vector<std::string>{"-O3 -fa", "-O3 -fshared", "-O3 -fb"}));
  EXPECT_EQ(displays(neighbour_seeds({a, b, far}, 0.2)), (std::vector<std::string>{"-O3 -fa", "-O3 -fshared"}));
  EXPECT_TRUE(neighbour_seeds({far}).empty());
}

TEST(Transfer, NeighboursWinnersComeAfterTheCoreKnownGoodSeeds) {
  auto config = [](const std::string& opt, std::vector<std::string> options = {}) {
    TuneConfig c;
    c.opt_level = opt;
    c.options = std::move(options);
    return c;
  };
  std::vector<TuneConfig> own = {config("-O2", {"-fown"})};
  std::vector<TuneConfig> near = {config("-O3", {"-fnear"}), config("-O3", {"-march=native"})};
  std::vector<TuneConfig> known = {config("-O3"),
                                   config("-O3", {"-march=native"}),
                                   config("-O3", {"-fno-math-errno", "-march=native"}),
                                   config("-O3", {"-fno-math-errno"}),
                                   config("-O3", {"-fno-math-errno", "-funroll-loops", "-march=native"}),
                                   config("-O2"),
                                   config("-O1")};
  auto order = seed_order(own, near, known, 5);
  std::vector<std::string> got;
  for (const auto& s : order) {
    got.push_back(std::string(s.source == SeedSource::SameSource  ? "own "
                              : s.source == SeedSource::Neighbour ? "near "
                                                                  : "known ") +
                  s.config.display());
  }
  // After the first 5 known-good seeds (the built-in planner's kCoreSeeds); a
  // neighbour's winner that is a known-good seed already placed (-O3
  // -march=native) is not tried twice.
  EXPECT_EQ(got, (std::vector<std::string>{"own -O2 -fown", "known -O3", "known -O3 -march=native",
                                           "known -O3 -fno-math-errno -march=native", "known -O3 -fno-math-errno",
                                           "known -O3 -fno-math-errno -funroll-loops -march=native", "near -O3 -fnear",
                                           "known -O2", "known -O1"}));
  // Fewer known-good seeds than the core count: the neighbours follow all of them.
  EXPECT_EQ(seed_order({}, near, {config("-O3")}, 5).size(), 3u);
  EXPECT_EQ(seed_order({}, near, {config("-O3")}, 5).back().source, SeedSource::Neighbour);
  EXPECT_EQ(seed_order({}, near, known, 0).front().config.display(), "-O3 -fnear");
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
