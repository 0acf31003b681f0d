#include "tuner/search_space.h"

#include "flags/allow_list.h"
#include "flags/option_syntax.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace llmcc {
namespace {

const Dimension* find_dim(const SearchSpace& s, const std::string& name) {
  for (const auto& d : s.dims()) {
    if (d.name == name) {
      return &d;
    }
  }
  return nullptr;
}

bool has_value(const SearchSpace& s, const std::string& text) {
  for (const auto& d : s.dims()) {
    if (std::find(d.values.begin(), d.values.end(), text) != d.values.end()) {
      return true;
    }
  }
  return false;
}

class SearchSpaceFamilies : public ::testing::TestWithParam<CompilerFamily> {};

TEST_P(SearchSpaceFamilies, HasOptAndMarchDimensionsAndEveryValueStartsUnset) {
  SearchSpace s = SearchSpace::build(GetParam(), SafetyPolicy{});
  ASSERT_GT(s.size(), 10u);
  int od = s.opt_dimension();
  ASSERT_GE(od, 0);
  const auto& opt = s.dims()[od];
  EXPECT_EQ(opt.name, "-O");
  EXPECT_EQ(opt.values, (std::vector<std::string>{"", "-O1", "-O2", "-O3", "-Os", "-Oz"}));
  const Dimension* march = find_dim(s, "-march");
  ASSERT_NE(march, nullptr);
  EXPECT_EQ(march->values, (std::vector<std::string>{"", "-march=native"}));
  std::set<std::string> names;
  for (const auto& d : s.dims()) {
    ASSERT_GE(d.values.size(), 2u) << d.name;
    EXPECT_EQ(d.values[0], "") << d.name;
    EXPECT_TRUE(names.insert(d.name).second) << "duplicate dimension " << d.name;
    std::set<std::string> identities;
    for (size_t v = 1; v < d.values.size(); ++v) {
      identities.insert(split_option(d.values[v]).identity);
    }
    // One dimension sets one option: otherwise a config could set it twice.
    EXPECT_EQ(identities.size(), 1u) << d.name;
  }
}

TEST_P(SearchSpaceFamilies, DefaultPolicyExcludesUnsafeMath) {
  SearchSpace s = SearchSpace::build(GetParam(), SafetyPolicy{});
  for (const auto& d : s.dims()) {
    EXPECT_NE(d.group, "unsafe-math") << d.name;
    for (const auto& v : d.values) {
      EXPECT_EQ(v.find("fast-math"), std::string::npos) << v;
      EXPECT_EQ(v.find("-Ofast"), std::string::npos) << v;
      EXPECT_EQ(v.find("unsafe-math"), std::string::npos) << v;
      EXPECT_EQ(v.find("reciprocal-math"), std::string::npos) << v;
    }
  }
  // -fno-math-errno is allowed by default (allow_errno_math).
  EXPECT_TRUE(has_value(s, "-fno-math-errno"));
}

TEST_P(SearchSpaceFamilies, PolicySwitchesAddAndRemoveGroups) {
  SafetyPolicy unsafe;
  unsafe.allow_unsafe_math = true;
  SearchSpace s = SearchSpace::build(GetParam(), unsafe);
  EXPECT_TRUE(has_value(s, "-ffast-math"));
  EXPECT_TRUE(has_value(s, "-Ofast"));

  SafetyPolicy strict;
  strict.allow_errno_math = false;
  SearchSpace t = SearchSpace::build(GetParam(), strict);
  EXPECT_FALSE(has_value(t, "-fno-math-errno"));
  EXPECT_FALSE(has_value(t, "-ffast-math"));

  // -ffast-math implies -fno-math-errno, so it needs both switches.
  SafetyPolicy half;
  half.allow_unsafe_math = true;
  half.allow_errno_math = false;
  SearchSpace u = SearchSpace::build(GetParam(), half);
  EXPECT_FALSE(has_value(u, "-ffast-math"));
  EXPECT_FALSE(has_value(u, "-Ofast"));
}

TEST_P(SearchSpaceFamilies, RandomConfigsPassTheAllowList) {
  for (bool unsafe : {false, true}) {
    SafetyPolicy policy;
    policy.allow_unsafe_math = unsafe;
    SearchSpace s = SearchSpace::build(GetParam(), policy);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 300; ++i) {
      double density = i % 3 == 0 ? 1.0 : 0.3;
      TuneConfig c = s.to_config(s.random_point(rng, density));
      auto v = check_config(c, GetParam(), policy);
      ASSERT_TRUE(v.empty()) << c.display() << ": " << describe_violations(v);
    }
  }
}

TEST_P(SearchSpaceFamilies, PointConfigRoundTrip) {
  SearchSpace s = SearchSpace::build(GetParam(), SafetyPolicy{});
  std::mt19937_64 rng(11);
  int exact = 0;
  for (int i = 0; i < 300; ++i) {
    auto p = s.random_point(rng, 0.3);
    TuneConfig c = s.to_config(p);
    std::vector<std::string> unknown;
    auto q = s.to_point(c, &unknown);
    EXPECT_TRUE(unknown.empty());
    EXPECT_EQ(s.to_config(q).canonical(), c.canonical());
    size_t set = 0;
    for (size_t d = 0; d < p.size(); ++d) {
      set += (p[d] > 0 && static_cast<int>(d) != s.opt_dimension()) ? 1 : 0;
    }
    // Without a dropped conflict the point itself comes back.
    if (c.options.size() == set) {
      EXPECT_EQ(q, p);
      ++exact;
    }
  }
  EXPECT_GT(exact, 200);
}

INSTANTIATE_TEST_SUITE_P(Families, SearchSpaceFamilies,
                         ::testing::Values(CompilerFamily::Gcc, CompilerFamily::Clang),
                         [](const auto& info) { return std::string(family_name(info.param)); });

TEST(SearchSpace, ParamValuesAreSpreadAndIncludeTheDefault) {
  SearchSpace s = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  const Dimension* d = find_dim(s, "--param=max-unroll-times");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->group, "loop");
  EXPECT_GE(d->values.size(), 5u);
  EXPECT_LE(d->values.size(), 7u);
  EXPECT_NE(std::find(d->values.begin(), d->values.end(), "--param=max-unroll-times=8"), d->values.end());
  EXPECT_NE(std::find(d->values.begin(), d->values.end(), "--param=max-unroll-times=1"), d->values.end());
  EXPECT_NE(std::find(d->values.begin(), d->values.end(), "--param=max-unroll-times=64"), d->values.end());

  // 0/1 switches get both values; listed values come from the list.
  SearchSpace c = SearchSpace::build(CompilerFamily::Clang, SafetyPolicy{});
  const Dimension* sw = find_dim(c, "-mllvm -enable-loopinterchange");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->values, (std::vector<std::string>{"", "-mllvm -enable-loopinterchange=0",
                                                  "-mllvm -enable-loopinterchange=1"}));
  const Dimension* vw = find_dim(c, "-mllvm -force-vector-width");
  ASSERT_NE(vw, nullptr);
  for (size_t i = 1; i < vw->values.size(); ++i) {
    long v = std::stol(vw->values[i].substr(vw->values[i].rfind('=') + 1));
    EXPECT_TRUE(v == 1 || v == 2 || v == 4 || v == 8 || v == 16 || v == 32) << vw->values[i];
  }
  const Dimension* slp = find_dim(c, "-mllvm -slp-threshold");
  ASSERT_NE(slp, nullptr);
  EXPECT_NE(std::find(slp->values.begin(), slp->values.end(), "-mllvm -slp-threshold=-20"), slp->values.end());
  EXPECT_NE(std::find(slp->values.begin(), slp->values.end(), "-mllvm -slp-threshold=0"), slp->values.end());
}

TEST(SearchSpace, BoolFlagsOfferBothSpellingsAndEnumsEachValue) {
  SearchSpace s = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  const Dimension* u = find_dim(s, "-funroll-loops");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->values, (std::vector<std::string>{"", "-funroll-loops", "-fno-unroll-loops"}));
  const Dimension* m = find_dim(s, "-minline-all-stringops");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->values[2], "-mno-inline-all-stringops");
  const Dimension* e = find_dim(s, "-fvect-cost-model");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->values, (std::vector<std::string>{"", "-fvect-cost-model=unlimited", "-fvect-cost-model=dynamic",
                                                 "-fvect-cost-model=cheap", "-fvect-cost-model=very-cheap"}));
  // Not searchable in the table: never in the space.
  EXPECT_EQ(find_dim(s, "-ffunction-sections"), nullptr);
  EXPECT_EQ(find_dim(s, "-finline-limit"), nullptr);
}

TEST(SearchSpace, AcceptedOptionsFilterEverythingButOptAndMarch) {
  std::vector<std::string> accepted{"-funroll-loops", "--param=max-unroll-times"};
  SearchSpace s = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{}, &accepted);
  std::vector<std::string> names;
  for (const auto& d : s.dims()) {
    names.push_back(d.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"-O", "-march", "-funroll-loops", "--param=max-unroll-times"}));

  std::vector<std::string> knobs{"-mllvm -unroll-threshold"};
  SearchSpace c = SearchSpace::build(CompilerFamily::Clang, SafetyPolicy{}, &knobs);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.dims()[2].name, "passes"); // the pipeline route is not a probed option
  EXPECT_EQ(c.dims()[3].name, "-mllvm -unroll-threshold");
}

TEST(SearchSpace, ClangPipelinesRoundTripAndPassTheAllowList) {
  SearchSpace c = SearchSpace::build(CompilerFamily::Clang, SafetyPolicy{});
  const Dimension* passes = nullptr;
  for (const auto& d : c.dims()) {
    if (d.name == "passes") {
      passes = &d;
    }
  }
  ASSERT_NE(passes, nullptr);
  EXPECT_GE(passes->values.size(), 4u);
  TuneConfig cfg;
  cfg.opt_level = "-O3";
  cfg.pipeline = "default<O3>,function(slp-vectorizer,instcombine,simplifycfg)";
  std::vector<std::string> unknown;
  TuneConfig back = c.to_config(c.to_point(cfg, &unknown));
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(back.pipeline, cfg.pipeline);
  EXPECT_TRUE(check_config(back, CompilerFamily::Clang).empty());
  // gcc has no pipeline route.
  // (The space must outlive the loop: dims() refers into it.)
  const SearchSpace gcc = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  for (const auto& d : gcc.dims()) {
    EXPECT_NE(d.name, "passes");
  }
}

TEST(SearchSpace, OptionNamesMatchTheDimensionsBuilt) {
  for (auto family : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    auto names = SearchSpace::option_names(family, SafetyPolicy{});
    SearchSpace all = SearchSpace::build(family, SafetyPolicy{});
    SearchSpace filtered = SearchSpace::build(family, SafetyPolicy{}, &names);
    EXPECT_EQ(all.size(), filtered.size());
    EXPECT_EQ(std::count(names.begin(), names.end(), "-ffast-math"), 0);
  }
  auto gcc = SearchSpace::option_names(CompilerFamily::Gcc, SafetyPolicy{});
  EXPECT_NE(std::find(gcc.begin(), gcc.end(), "--param=max-unroll-times"), gcc.end());
  auto clang = SearchSpace::option_names(CompilerFamily::Clang, SafetyPolicy{});
  EXPECT_NE(std::find(clang.begin(), clang.end(), "-mllvm -unroll-threshold"), clang.end());
}

TEST(SearchSpace, ToPointReportsWhatTheSpaceLacks) {
  SearchSpace s = SearchSpace::build(CompilerFamily::Clang, SafetyPolicy{});
  TuneConfig c;
  c.opt_level = "-Ofast";
  c.options = {"-funroll-loops", "-fthis-does-not-exist", "-mllvm -unroll-threshold=12345"};
  c.pipeline = "function(sroa)";
  std::vector<std::string> unknown;
  auto p = s.to_point(c, &unknown);
  EXPECT_EQ(unknown, (std::vector<std::string>{"-Ofast", "-fthis-does-not-exist", "-mllvm -unroll-threshold=12345",
                                               "passes=function(sroa)"}));
  TuneConfig back = s.to_config(p);
  EXPECT_EQ(back.opt_level, "");
  EXPECT_EQ(back.options, (std::vector<std::string>{"-funroll-loops"}));
}

TEST(SearchSpace, ConflictingOptionsAreLeftOut) {
  SearchSpace s = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  TuneConfig c;
  c.opt_level = "-Os";
  c.options = {"-fprefetch-loop-arrays", "-funroll-loops"};
  TuneConfig back = s.to_config(s.to_point(c));
  EXPECT_EQ(back.opt_level, "-Os");
  EXPECT_EQ(back.options, (std::vector<std::string>{"-funroll-loops"}));
  EXPECT_TRUE(check_config(back, CompilerFamily::Gcc).empty());
  c.opt_level = "-O3";
  back = s.to_config(s.to_point(c));
  EXPECT_EQ(back.options.size(), 2u);
}

TEST(SearchSpace, RandomPointDensity) {
  SearchSpace s = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  std::mt19937_64 rng(3);
  int od = s.opt_dimension();
  size_t total_set = 0;
  const int n = 200;
  for (int i = 0; i < n; ++i) {
    auto p = s.random_point(rng, 0.0);
    EXPECT_GT(p[od], 0);
    EXPECT_EQ(std::count_if(p.begin(), p.end(), [](int v) { return v > 0; }), 1);
    auto q = s.random_point(rng, 0.3);
    EXPECT_GT(q[od], 0);
    total_set += std::count_if(q.begin(), q.end(), [](int v) { return v > 0; }) - 1;
  }
  double mean_fraction = static_cast<double>(total_set) / n / static_cast<double>(s.size() - 1);
  EXPECT_NEAR(mean_fraction, 0.3, 0.05);
  // Same seed, same points.
  std::mt19937_64 a(99), b(99);
  EXPECT_EQ(s.random_point(a), s.random_point(b));
}

TEST(SearchSpace, EmptySpaceIsHarmless) {
  SearchSpace s;
  std::mt19937_64 rng(1);
  EXPECT_EQ(s.opt_dimension(), -1);
  EXPECT_TRUE(s.to_config(s.random_point(rng)).empty());
  EXPECT_TRUE(s.to_point(TuneConfig{}).empty());
}

} // namespace
} // namespace llmcc
