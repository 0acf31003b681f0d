#include "flags/allow_list.h"
#include "flags/apply.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace llmcc;

namespace {

using Args = std::vector<std::string>;

TuneConfig config_of(std::string opt, Args options) {
  TuneConfig c;
  c.opt_level = std::move(opt);
  c.options = std::move(options);
  return c;
}

// Applies a config the allow-list accepts (the precondition of apply_config).
AppliedArgs apply_checked(const Args& args, const TuneConfig& c, CompilerFamily family = CompilerFamily::Gcc) {
  SafetyPolicy all;
  all.allow_unsafe_math = true;
  auto v = check_config(c, family, all);
  EXPECT_TRUE(v.empty()) << describe_violations(v);
  return apply_config(args, c, family);
}

bool has(const Args& a, const std::string& s) { return std::find(a.begin(), a.end(), s) != a.end(); }

long count(const Args& a, const std::string& s) { return std::count(a.begin(), a.end(), s); }

} // namespace

TEST(Apply, ReplacesOptLevelAndKeepsEverythingElse) {
  Args user = {"-c", "x.c", "-o", "x.o", "-O2", "-g", "-DX", "-Iinc", "-Wall", "-std=c++17", "-fPIC"};
  auto r = apply_checked(user, config_of("-O3", {"-funroll-loops"}));
  EXPECT_EQ(r.args, (Args{"-c", "x.c", "-o", "x.o", "-g", "-DX", "-Iinc", "-Wall", "-std=c++17", "-fPIC", "-O3",
                          "-funroll-loops"}));
  EXPECT_TRUE(r.dropped.empty());
}

TEST(Apply, RemovesEveryUserOptLevel) {
  auto r = apply_checked({"-O", "-c", "-O2", "x.c", "-Os"}, config_of("-O3", {}));
  EXPECT_EQ(r.args, (Args{"-c", "x.c", "-O3"}));
}

TEST(Apply, KeepsUserOptLevelWhenConfigHasNone) {
  auto r = apply_checked({"-O2", "-c", "x.c"}, config_of("", {"-funroll-loops"}));
  EXPECT_EQ(r.args, (Args{"-O2", "-c", "x.c", "-funroll-loops"}));
}

TEST(Apply, ConfigFlagReplacesUserFlagOfEitherPolarity) {
  auto r = apply_checked({"-O2", "-fno-unroll-loops", "-c", "x.c"}, config_of("", {"-funroll-loops"}));
  EXPECT_EQ(r.args, (Args{"-O2", "-c", "x.c", "-funroll-loops"}));
  r = apply_checked({"-ftree-vectorize", "-fvect-cost-model=dynamic", "-c", "x.c"},
            config_of("", {"-fno-tree-vectorize", "-fvect-cost-model=cheap"}));
  EXPECT_EQ(r.args, (Args{"-c", "x.c", "-fno-tree-vectorize", "-fvect-cost-model=cheap"}));
}

TEST(Apply, SemanticUserFlagSurvivesAndConfigGivesWay) {
  // strict-aliasing is not tunable, so no config can touch it.
  auto r = apply_checked({"-O2", "-fno-strict-aliasing", "-fwrapv", "-c", "x.c"}, config_of("-O3", {"-funroll-loops"}));
  EXPECT_TRUE(has(r.args, "-fno-strict-aliasing"));
  EXPECT_TRUE(has(r.args, "-fwrapv"));
  // A tunable flag the user set for semantics: their -fno-omit-frame-pointer wins.
  r = apply_checked({"-O2", "-fno-omit-frame-pointer", "-c", "x.c"}, config_of("", {"-fomit-frame-pointer", "-ftracer"}));
  EXPECT_TRUE(has(r.args, "-fno-omit-frame-pointer"));
  EXPECT_FALSE(has(r.args, "-fomit-frame-pointer"));
  EXPECT_TRUE(has(r.args, "-ftracer"));
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], "-fomit-frame-pointer (user set -fno-omit-frame-pointer)");
}

TEST(Apply, ImpliedOptionsRespectSemanticUserFlags) {
  // -ffast-math would switch -ffp-contract to fast behind the user's back.
  auto r = apply_checked({"-O2", "-ffp-contract=off", "-c", "x.c"}, config_of("", {"-ffast-math", "-funroll-loops"}));
  EXPECT_TRUE(has(r.args, "-ffp-contract=off"));
  EXPECT_FALSE(has(r.args, "-ffast-math"));
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], "-ffast-math (user set -ffp-contract=off)");
  r = apply_checked({"-fmath-errno", "x.c"}, config_of("", {"-fno-math-errno"}), CompilerFamily::Clang);
  EXPECT_EQ(r.args, (Args{"-fmath-errno", "x.c"}));
  EXPECT_EQ(r.dropped.size(), 1u);
}

TEST(Apply, UserMarchWinsOverConfig) {
  auto r = apply_checked({"-O2", "-march=x86-64", "-c", "x.c"}, config_of("-O3", {"-march=native", "-funroll-loops"}));
  EXPECT_TRUE(has(r.args, "-march=x86-64"));
  EXPECT_FALSE(has(r.args, "-march=native"));
  EXPECT_TRUE(has(r.args, "-funroll-loops"));
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], "-march=native (user set -march=x86-64)");

  r = apply_checked({"-mtune=generic", "x.c"}, config_of("", {"-mtune=skylake", "-march=haswell"}));
  EXPECT_EQ(r.args, (Args{"-mtune=generic", "x.c", "-march=haswell"}));
  EXPECT_EQ(r.dropped, (Args{"-mtune=skylake (user set -mtune=generic)"}));
}

TEST(Apply, PreferVectorWidthIsReplaced) {
  auto r = apply_checked({"-mprefer-vector-width=128", "x.c"}, config_of("", {"-mprefer-vector-width=512"}));
  EXPECT_EQ(r.args, (Args{"x.c", "-mprefer-vector-width=512"}));
}

TEST(Apply, ParamBothForms) {
  auto r = apply_checked({"-O2", "--param", "max-unroll-times=4", "--param=max-peel-times=2", "--param", "max-inline-insns-auto=9",
                  "x.c"},
                 config_of("", {"--param=max-unroll-times=8", "--param=max-peel-times=4"}));
  EXPECT_EQ(r.args, (Args{"-O2", "--param", "max-inline-insns-auto=9", "x.c", "--param=max-unroll-times=8",
                          "--param=max-peel-times=4"}));
}

TEST(Apply, MllvmPairs) {
  auto r = apply_checked({"-O2", "-mllvm", "-unroll-threshold=100", "-mllvm", "-inline-threshold=50", "x.c"},
                 config_of("", {"-mllvm -unroll-threshold=400"}), CompilerFamily::Clang);
  EXPECT_EQ(r.args,
            (Args{"-O2", "-mllvm", "-inline-threshold=50", "x.c", "-mllvm", "-unroll-threshold=400"}));
  EXPECT_EQ(count(r.args, "-mllvm"), 2);
}

TEST(Apply, SeparateArgumentsAreNotOptions) {
  // The linker's -O1 and a file literally named -O2 after -o are not the compiler's level.
  auto r = apply_checked({"-Xlinker", "-O1", "-o", "-O2", "-O0", "x.c"}, config_of("-O3", {}));
  EXPECT_EQ(r.args, (Args{"-Xlinker", "-O1", "-o", "-O2", "x.c", "-O3"}));
}

TEST(Apply, TokensGoBeforeEndOfOptions) {
  auto r = apply_checked({"-O2", "-c", "--", "-O1.c", "x.c"}, config_of("-O3", {"-funroll-loops", "-mllvm -unroll-threshold=3"}),
                 CompilerFamily::Clang);
  EXPECT_EQ(r.args, (Args{"-c", "-O3", "-funroll-loops", "-mllvm", "-unroll-threshold=3", "--", "-O1.c", "x.c"}));
}

TEST(Apply, EndOfOptionsMarkerMustBeOwnToken) {
  auto r = apply_checked({"-Xlinker", "--", "x.c"}, config_of("-O3", {}));
  EXPECT_EQ(r.args, (Args{"-Xlinker", "--", "x.c", "-O3"}));
}

TEST(Apply, ConflictWithUserOptLevelDropsConfigOption) {
  auto r = apply_checked({"-Os", "-c", "x.c"}, config_of("", {"-fprefetch-loop-arrays", "-funroll-loops"}));
  EXPECT_FALSE(has(r.args, "-fprefetch-loop-arrays"));
  EXPECT_TRUE(has(r.args, "-funroll-loops"));
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_NE(r.dropped[0].find("conflicts with -Os"), std::string::npos) << r.dropped[0];
  // With the config's own level the user's -Os goes, and so does the conflict.
  r = apply_checked({"-Os", "-c", "x.c"}, config_of("-O3", {"-fprefetch-loop-arrays"}));
  EXPECT_TRUE(r.dropped.empty());
  EXPECT_EQ(r.args, (Args{"-c", "x.c", "-O3", "-fprefetch-loop-arrays"}));
}

TEST(Apply, EmptyConfigChangesNothing) {
  Args user = {"-O2", "-g", "-c", "x.c"};
  auto r = apply_config(user, TuneConfig{}, CompilerFamily::Gcc);
  EXPECT_EQ(r.args, user);
  EXPECT_TRUE(r.dropped.empty());
}
