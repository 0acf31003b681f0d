#include "features/schema.h"
#include "features/neighbours.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace llmcc;

namespace {

FeatureCounts counts(int64_t statements, int64_t loops, int64_t fp_ops) {
  FeatureCounts c;
  c[Feature::Functions] = 1;
  c[Feature::BasicBlocks] = 4;
  c[Feature::Statements] = statements;
  c[Feature::Loops] = loops;
  c[Feature::MaxLoopDepth] = loops;
  c[Feature::FpOps] = fp_ops;
  return c;
}

FeatureRow row(const std::string& key, const std::string& rel, const FeatureCounts& c,
               const std::string& family = "gcc", Extractor ex = Extractor::GccPlugin) {
  TuFeatures tu;
  tu.extractor = ex;
  tu.total = c;
  FeatureRow r;
  r.tu_key = key;
  r.feature_schema = kFeatureSchemaVersion;
  r.extractor = std::string(to_string(ex));
  r.source_rel = rel;
  r.family = family;
  r.json = tu.to_json().dump();
  return r;
}

WinnerRecord winner(const std::string& key, const std::string& option, double speedup,
                    const std::string& cls = "x86_64/v3", const std::string& objective = "time") {
  WinnerRecord w;
  w.tu_key = key;
  w.hw_class = cls;
  w.objective = objective;
  w.config.opt_level = "-O3";
  w.config.options = {option};
  w.speedup = speedup;
  return w;
}

} // namespace

TEST(FeatureSchema, NamesAreUniqueAndComplete) {
  EXPECT_EQ(kFeatureCount, 27u);
  for (size_t i = 0; i < kFeatureCount; ++i) {
    for (size_t j = i + 1; j < kFeatureCount; ++j) {
      EXPECT_NE(kFeatureNames[i], kFeatureNames[j]);
    }
  }
  EXPECT_EQ(block_size_class(14), Feature::BlocksSmall);
  EXPECT_EQ(block_size_class(15), Feature::BlocksMedium);
  EXPECT_EQ(block_size_class(500), Feature::BlocksMedium);
  EXPECT_EQ(block_size_class(501), Feature::BlocksLarge);
}

TEST(FeatureSchema, JsonRoundTripAndAggregate) {
  // The extractors' document: functions only; the TU's counts are derived.
  FunctionFeatures f{"f", counts(10, 2, 3)}, g{"g", counts(30, 1, 0)};
  nlohmann::json doc = {{"schema", kFeatureSchemaVersion},
                        {"extractor", "llvm"},
                        {"functions", {{{"name", "f"}, {"counts", f.counts.to_json()}},
                                       {{"name", "g"}, {"counts", g.counts.to_json()}}}}};
  auto tu = TuFeatures::from_json(doc);
  ASSERT_TRUE(tu) << tu.error().message;
  EXPECT_EQ(tu->extractor, Extractor::Llvm);
  EXPECT_EQ(tu->total[Feature::Functions], 2);
  EXPECT_EQ(tu->total[Feature::Statements], 40);
  EXPECT_EQ(tu->total[Feature::Loops], 3);
  EXPECT_EQ(tu->total[Feature::MaxLoopDepth], 2); // the deepest, not the sum
  auto back = TuFeatures::from_json(tu->to_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->total, tu->total);
  ASSERT_EQ(back->functions.size(), 2u);
  EXPECT_EQ(back->functions[1].name, "g");
}

TEST(FeatureSchema, RefusesOtherSchemasAndMalformedCounts) {
  nlohmann::json doc = {{"schema", kFeatureSchemaVersion + 1}, {"extractor", "llvm"}, {"functions", nlohmann::json::array()}};
  EXPECT_FALSE(TuFeatures::from_json(doc));
  doc["schema"] = kFeatureSchemaVersion;
  doc["extractor"] = "icc";
  EXPECT_FALSE(TuFeatures::from_json(doc));
  nlohmann::json c = counts(1, 0, 0).to_json();
  c.erase("phis");
  EXPECT_FALSE(FeatureCounts::from_json(c));
  c["phis"] = -1;
  EXPECT_FALSE(FeatureCounts::from_json(c));
}

TEST(FeatureSchema, NormalisedIsLogOfSizeAndPerStatement) {
  FeatureVector v = normalised(counts(20, 2, 5));
  EXPECT_DOUBLE_EQ(v[index_of(Feature::Statements)], std::log1p(20.0) / 10);
  EXPECT_DOUBLE_EQ(v[index_of(Feature::Functions)], std::log1p(1.0) / 10);
  EXPECT_DOUBLE_EQ(v[index_of(Feature::MaxLoopDepth)], std::log1p(2.0) / 10);
  EXPECT_DOUBLE_EQ(v[index_of(Feature::FpOps)], 5.0 / 20);
  EXPECT_DOUBLE_EQ(v[index_of(Feature::Loops)], 2.0 / 20);
  // No statements: no division by zero.
  FeatureVector z = normalised(FeatureCounts{});
  EXPECT_DOUBLE_EQ(z[index_of(Feature::FpOps)], 0);
}

TEST(FeatureSchema, DistanceIsEuclideanOnTheNormalisedVector) {
  FeatureCounts a = counts(20, 2, 5);
  EXPECT_DOUBLE_EQ(feature_distance(a, a), 0);
  FeatureCounts b = a;
  b[Feature::FpOps] = 15; // +0.5 per statement
  EXPECT_DOUBLE_EQ(feature_distance(a, b), 0.5);
  EXPECT_DOUBLE_EQ(feature_distance(a, b), feature_distance(b, a));
  // Same shape, ten times the size, is nearer than a different shape of the same size.
  FeatureCounts big = a;
  for (auto& x : big.values) {
    x *= 10;
  }
  big[Feature::Functions] = 1;
  big[Feature::MaxLoopDepth] = 2;
  EXPECT_LT(feature_distance(a, big), feature_distance(a, counts(20, 0, 20)));
}

TEST(FeatureSchema, HotFunctionsWeighTheVector) {
  TuFeatures tu;
  tu.functions = {{"hot", counts(10, 1, 10)}, {"cold", counts(10, 0, 0)}};
  tu.total = aggregate(tu.functions);
  FeatureVector hot = weighted_vector(tu, {{"hot", 0.9}});
  EXPECT_DOUBLE_EQ(hot[index_of(Feature::FpOps)], 1.0);
  FeatureVector mixed = weighted_vector(tu, {{"hot", 1}, {"cold", 3}});
  EXPECT_DOUBLE_EQ(mixed[index_of(Feature::FpOps)], 0.25);
  EXPECT_EQ(weighted_vector(tu, {}), normalised(tu.total));
}

TEST(Neighbours, NearestFirstWithWinnersOfThisClassFamilyAndObjective) {
  TuFeatures self;
  self.total = counts(20, 2, 5);
  std::vector<FeatureRow> rows = {
      row("self", "me.c", counts(20, 2, 5)),           // itself: left out
      row("near", "near.c", counts(20, 2, 6)),         // 0.05 away
      row("far", "far.c", counts(20, 0, 20)),          // different shape
      row("mid", "mid.c", counts(20, 2, 9)),           // 0.2 away
      row("clang", "c.c", counts(20, 2, 5), "clang"),  // another family
      row("nowin", "n.c", counts(20, 2, 5)),           // nothing won there
      row("llvm", "l.c", counts(20, 2, 5), "gcc", Extractor::Llvm), // counts of another extractor
  };
  std::vector<WinnerRecord> ws = {winner("near", "-fa", 1.1),  winner("near", "-fb", 1.3), winner("far", "-fc", 2.0),
                                  winner("mid", "-fd", 1.2),   winner("clang", "-fe", 1.5), winner("llvm", "-ff", 1.5),
                                  winner("nowin", "-fg", 1.5, "arm64"), winner("nowin", "-fh", 1.5, "x86_64/v3", "size")};
  NeighbourQuery q{"self", "gcc", "x86_64/v3", "time", 2};
  auto near = nearest_neighbours(self, q, rows, ws);
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0].source_rel, "near.c");
  EXPECT_NEAR(near[0].distance, 0.05, 1e-12);
  ASSERT_EQ(near[0].winners.size(), 2u);
  EXPECT_EQ(near[0].winners[0].config.display(), "-O3 -fb"); // its best first
  EXPECT_EQ(near[1].source_rel, "mid.c");
  q.k = 10;
  EXPECT_EQ(nearest_neighbours(self, q, rows, ws).size(), 3u);
}

TEST(FeatureSchema, HotSharesTravelWithTheFeaturesAndWeighTheSimilarityVector) {
  TuFeatures tu;
  tu.functions = {{"hot", counts(10, 1, 10)}, {"cold", counts(10, 0, 0)}};
  tu.total = aggregate(tu.functions);
  // Without a profile: the plain sum (FP operations 10 of 20 statements).
  EXPECT_EQ(similarity_vector(tu), normalised(tu.total));
  EXPECT_DOUBLE_EQ(similarity_vector(tu)[index_of(Feature::FpOps)], 0.5);
  EXPECT_FALSE(tu.to_json().contains("hot"));
  tu.hot = {{"hot", 0.75}, {"cold", 0.25}};
  // 0.75 * 10/10 + 0.25 * 0/10 per statement; the size counts are each function's own.
  EXPECT_DOUBLE_EQ(similarity_vector(tu)[index_of(Feature::FpOps)], 0.75);
  EXPECT_DOUBLE_EQ(similarity_vector(tu)[index_of(Feature::Statements)], std::log1p(10.0) / 10);
  auto back = TuFeatures::from_json(tu.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->hot, tu.hot);
  EXPECT_EQ(similarity_vector(*back), similarity_vector(tu));
  nlohmann::json bad = tu.to_json();
  bad["hot"]["hot"] = -1;
  EXPECT_EQ(TuFeatures::from_json(bad).error().message, "a hot function's share is not a non-negative number");
}

TEST(Neighbours, TheHotFunctionsDecideWhichTuIsNearest) {
  // A TU of one FP loop (hot) and much integer set-up code (cold): by its plain
  // sum it is nearer the integer TU, by where its time goes the FP one.
  TuFeatures self;
  self.functions = {{"loop", counts(10, 1, 10)},
                    {"setup", counts(10, 1, 0)},
                    {"parse", counts(10, 1, 0)},
                    {"report", counts(10, 1, 0)}};
  self.total = aggregate(self.functions);
  std::vector<FeatureRow> rows = {row("fp", "fp.c", counts(10, 1, 10)), row("int", "int.c", counts(10, 1, 0))};
  std::vector<WinnerRecord> ws = {winner("fp", "-ffp", 1.2), winner("int", "-fint", 1.2)};
  NeighbourQuery q{"self", "gcc", "x86_64/v3", "time", 2};
  auto plain = nearest_neighbours(self, q, rows, ws);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].source_rel, "int.c");
  self.hot = {{"loop", 0.9}, {"setup", 0.1}};
  auto hot = nearest_neighbours(self, q, rows, ws);
  ASSERT_EQ(hot.size(), 2u);
  EXPECT_EQ(hot[0].source_rel, "fp.c");
  // The functions are of one size, so only FP operations per statement differ:
  // 0.9 * 1 + 0.1 * 0 against 1 and 0; `parse` and `report` never ran.
  EXPECT_NEAR(hot[0].distance, 0.1, 1e-12);
  EXPECT_NEAR(hot[1].distance, 0.9, 1e-12);
}
