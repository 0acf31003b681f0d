#include "flags/tune_config.h"

#include <gtest/gtest.h>

using namespace llmcc;

namespace {

TuneConfig sample() {
  TuneConfig c;
  c.opt_level = "-O3";
  c.options = {"-funroll-loops", "-mllvm -unroll-threshold=400", "-march=native"};
  c.pipeline = "function(sroa,instcombine)";
  return c;
}

} // namespace

TEST(TuneConfig, ArgvTokensPutOptLevelFirstAndSplitMllvm) {
  EXPECT_EQ(sample().argv_tokens(), (std::vector<std::string>{"-O3", "-funroll-loops", "-mllvm",
                                                              "-unroll-threshold=400", "-march=native"}));
  TuneConfig no_opt;
  no_opt.options = {"--param=max-unroll-times=4"};
  EXPECT_EQ(no_opt.argv_tokens(), (std::vector<std::string>{"--param=max-unroll-times=4"}));
  EXPECT_TRUE(TuneConfig{}.argv_tokens().empty());
}

TEST(TuneConfig, JsonRoundTrip) {
  TuneConfig c = sample();
  auto back = TuneConfig::from_json(c.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->opt_level, c.opt_level);
  EXPECT_EQ(back->options, c.options); // order kept, only canonical() sorts
  EXPECT_EQ(back->pipeline, c.pipeline);
  EXPECT_EQ(*back, c);

  auto parsed = TuneConfig::parse(c.to_json().dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->canonical(), c.canonical());
}

TEST(TuneConfig, ToJsonShape) {
  auto j = sample().to_json();
  EXPECT_EQ(j.at("opt"), "-O3");
  EXPECT_TRUE(j.at("options").is_array());
  EXPECT_EQ(j.at("pipeline"), "function(sroa,instcombine)");
  EXPECT_EQ(j.size(), 3u);
}

TEST(TuneConfig, CanonicalIgnoresOrderAndDuplicates) {
  TuneConfig a = sample();
  TuneConfig b = sample();
  b.options = {"-march=native", "-funroll-loops", "-mllvm -unroll-threshold=400", "-funroll-loops"};
  EXPECT_EQ(a.canonical(), b.canonical());
  EXPECT_TRUE(a == b);
  b.options.push_back("-fno-tree-vectorize");
  EXPECT_NE(a.canonical(), b.canonical());
  TuneConfig c = sample();
  c.opt_level = "-O2";
  EXPECT_FALSE(a == c);
  TuneConfig d = sample();
  d.pipeline.clear();
  EXPECT_FALSE(a == d);
}

TEST(TuneConfig, CanonicalIsUnambiguous) {
  // Joining with a separator would make these equal; the canonical form must not.
  TuneConfig a;
  a.options = {"-fa -fb"};
  TuneConfig b;
  b.options = {"-fa", "-fb"};
  EXPECT_NE(a.canonical(), b.canonical());
}

TEST(TuneConfig, Display) {
  EXPECT_EQ(sample().display(), "-O3 -funroll-loops -mllvm -unroll-threshold=400 -march=native "
                                "passes=function(sroa,instcombine)");
  TuneConfig only_flags;
  only_flags.options = {"-funroll-loops"};
  EXPECT_EQ(only_flags.display(), "-funroll-loops");
  EXPECT_EQ(TuneConfig{}.display(), "(default)");
}

TEST(TuneConfig, MissingKeysMeanEmpty) {
  auto c = TuneConfig::parse(R"({"opt":"-O2"})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->opt_level, "-O2");
  EXPECT_TRUE(c->options.empty());
  EXPECT_TRUE(c->pipeline.empty());
  auto e = TuneConfig::parse("{}");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
}

TEST(TuneConfig, FromJsonRejectsExtraKeys) {
  auto c = TuneConfig::parse(R"({"opt":"-O2","options":[],"pipeline":"","cmd":"rm -rf /"})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown key"), std::string::npos);
  EXPECT_FALSE(TuneConfig::parse(R"({"Opt":"-O2"})").ok());
}

TEST(TuneConfig, FromJsonRejectsWrongTypes) {
  for (const char* text : {R"({"opt":3})", R"({"opt":null})", R"({"opt":["-O2"]})", R"({"options":"-funroll-loops"})",
                           R"({"options":[1]})", R"({"options":[["-fx"]]})", R"({"options":[null]})",
                           R"({"options":{"a":"-fx"}})", R"({"pipeline":false})", R"(["-O2"])", R"("-O2")", "null",
                           "42"}) {
    EXPECT_FALSE(TuneConfig::parse(text).ok()) << text;
  }
}

TEST(TuneConfig, FromJsonRejectsOversize) {
  nlohmann::json j;
  j["opt"] = std::string(257, 'O');
  EXPECT_FALSE(TuneConfig::from_json(j).ok());

  j = nlohmann::json::object();
  j["options"] = std::vector<std::string>(65, "-funroll-loops");
  EXPECT_FALSE(TuneConfig::from_json(j).ok());
  j["options"] = std::vector<std::string>(64, "-funroll-loops");
  EXPECT_TRUE(TuneConfig::from_json(j).ok());

  j = nlohmann::json::object();
  j["options"] = {std::string(257, 'f')};
  EXPECT_FALSE(TuneConfig::from_json(j).ok());
  j["options"] = {std::string(256, 'f')};
  EXPECT_TRUE(TuneConfig::from_json(j).ok());

  j = nlohmann::json::object();
  j["pipeline"] = std::string(8193, 'a');
  EXPECT_FALSE(TuneConfig::from_json(j).ok());
  j["pipeline"] = std::string(8192, 'a');
  EXPECT_TRUE(TuneConfig::from_json(j).ok());

  EXPECT_FALSE(TuneConfig::parse(std::string(300000, ' ') + "{}").ok());
}

TEST(TuneConfig, ParseRejectsMalformedJson) {
  for (const char* text : {"", "{", R"({"opt":"-O2",})", R"({"opt":"-O2"} trailing)", "{'opt':'-O2'}"}) {
    EXPECT_FALSE(TuneConfig::parse(text).ok()) << text;
  }
}

TEST(TuneConfig, Empty) {
  EXPECT_TRUE(TuneConfig{}.empty());
  EXPECT_FALSE(sample().empty());
}
