#include "features/feature_cache.h"

#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

// A TU whose features are already stored, so features_for never runs an
// extractor (the tools' directory does not exist).
struct Cached {
  TempDir dir;
  std::unique_ptr<Store> store;
  TuContext tu;
  ExtractorTools tools{"/nonexistent"};

  Cached() {
    auto s = Store::open(dir.path() + "/llmcc.db");
    EXPECT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
    tu.source_rel = "k.c";
    TuFeatures f;
    FeatureCounts c;
    c[Feature::Statements] = 10;
    f.functions = {{"loop", c}, {"setup", c}};
    f.total = aggregate(f.functions);
    FeatureRow row;
    row.tu_key = "key";
    row.feature_schema = kFeatureSchemaVersion;
    row.extractor = std::string(to_string(f.extractor));
    row.source_rel = "k.c";
    row.family = "gcc";
    row.json = f.to_json().dump();
    EXPECT_TRUE(store->put_features(row));
  }

  std::map<std::string, double> stored_hot() {
    auto row = store->features("key", kFeatureSchemaVersion);
    EXPECT_TRUE(row.ok() && *row);
    return TuFeatures::from_json(nlohmann::json::parse((*row)->json))->hot;
  }
};

} // namespace

TEST(FeatureCache, StoresTheProfilesHotSharesWithCachedFeatures) {
  Cached c;
  const std::map<std::string, double> hot = {{"loop", 0.9}, {"setup", 0.1}};
  CachedFeatures got = features_for(*c.store, c.tu, "key", c.tools, hot);
  ASSERT_TRUE(got.features);
  EXPECT_TRUE(got.from_cache);
  EXPECT_TRUE(got.notes.empty());
  EXPECT_EQ(got.features->hot, hot);
  EXPECT_EQ(c.stored_hot(), hot); // so the TU is weighed by them as another TU's neighbour too
  // A later session without a profile (--tu) keeps what the profile said.
  got = features_for(*c.store, c.tu, "key", c.tools);
  EXPECT_EQ(got.features->hot, hot);
  EXPECT_EQ(c.stored_hot(), hot);
  // A new profile replaces it.
  const std::map<std::string, double> now = {{"loop", 0.5}, {"setup", 0.5}};
  EXPECT_EQ(features_for(*c.store, c.tu, "key", c.tools, now).features->hot, now);
  EXPECT_EQ(c.stored_hot(), now);
}

TEST(FeatureCache, WithoutAProfileTheCachedFeaturesHaveNoHotShares) {
  Cached c;
  CachedFeatures got = features_for(*c.store, c.tu, "key", c.tools);
  ASSERT_TRUE(got.features);
  EXPECT_TRUE(got.features->hot.empty());
  EXPECT_EQ(similarity_vector(*got.features), normalised(got.features->total));
  EXPECT_TRUE(c.stored_hot().empty());
}
