#include "tuner/flag_probe.h"

#include "tuner/search_space.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace llmcc {
namespace {

namespace fs = std::filesystem;

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

// A stand-in compiler that fails when any argument contains "bogus": it makes the
// bisection's cost checkable without depending on which options a real compiler has.
class FakeCompiler : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("llmcc_probe_test_" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
    m_path = (m_dir / "fakecc").string();
    std::ofstream(m_path) << "#!/bin/sh\n"
                            "for a in \"$@\"; do case \"$a\" in *bogus*) exit 1;; esac; done\n"
                            "exit 0\n";
    fs::permissions(m_path, fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  fs::path m_dir;
  std::string m_path;
};

TEST_F(FakeCompiler, AllAcceptedCostsOneRun) {
  std::vector<std::string> options;
  for (int i = 0; i < 100; ++i) {
    options.push_back("-ffake-option-" + std::to_string(i));
  }
  size_t runs = 0;
  auto accepted = probe_options(m_path, CompilerFamily::Gcc, options, &runs);
  EXPECT_EQ(accepted, options);
  EXPECT_EQ(runs, 1u);
}

TEST_F(FakeCompiler, BisectionFindsTheRejectedFew) {
  std::vector<std::string> options, expected;
  for (int i = 0; i < 100; ++i) {
    bool bad = i == 17 || i == 62 || i == 63;
    options.push_back(std::string(bad ? "-fbogus-" : "-ffine-") + std::to_string(i));
    if (!bad) {
      expected.push_back(options.back());
    }
  }
  size_t runs = 0;
  auto accepted = probe_options(m_path, CompilerFamily::Gcc, options, &runs);
  EXPECT_EQ(accepted, expected);
  // Each rejection costs about two runs per halving (log2 100 ~ 7): far below one run per option.
  EXPECT_LE(runs, 1 + 3 * 2 * 7u);
}

TEST_F(FakeCompiler, MissingCompilerAcceptsNothing) {
  size_t runs = 0;
  auto accepted = probe_options((m_dir / "no-such-cc").string(), CompilerFamily::Gcc, {"-funroll-loops", "-fipa-pta"},
                                &runs);
  EXPECT_TRUE(accepted.empty());
  EXPECT_EQ(runs, 1u);
}

TEST(ProbeTokens, ValuedOptionsGetAValidValue) {
  EXPECT_EQ(probe_tokens("-funroll-loops", CompilerFamily::Gcc), (std::vector<std::string>{"-funroll-loops"}));
  EXPECT_EQ(probe_tokens("--param=max-unroll-times", CompilerFamily::Gcc),
            (std::vector<std::string>{"--param=max-unroll-times=8"}));
  EXPECT_EQ(probe_tokens("-fvect-cost-model", CompilerFamily::Gcc),
            (std::vector<std::string>{"-fvect-cost-model=unlimited"}));
  EXPECT_EQ(probe_tokens("-mllvm -unroll-threshold", CompilerFamily::Clang),
            (std::vector<std::string>{"-mllvm", "-unroll-threshold=300"}));
  EXPECT_EQ(probe_tokens("-mllvm -unroll-threshold=5", CompilerFamily::Clang),
            (std::vector<std::string>{"-mllvm", "-unroll-threshold=5"}));
}

TEST(FlagProbe, RealGcc) {
  const std::string gcc = "/usr/bin/gcc";
  if (!executable(gcc)) {
    GTEST_SKIP() << "no gcc";
  }
  auto accepted = probe_options(gcc, CompilerFamily::Gcc,
                                {"-funroll-loops", "-fthis-flag-does-not-exist", "--param=max-unroll-times",
                                 "--param=this-param-does-not-exist", "-fvect-cost-model"});
  EXPECT_EQ(accepted, (std::vector<std::string>{"-funroll-loops", "--param=max-unroll-times", "-fvect-cost-model"}));
}

TEST(FlagProbe, RealClang) {
  const std::string clang = "/usr/bin/clang";
  if (!executable(clang)) {
    GTEST_SKIP() << "no clang";
  }
  auto accepted = probe_options(clang, CompilerFamily::Clang,
                                {"-funroll-loops", "-fthis-flag-does-not-exist", "-mllvm -unroll-threshold",
                                 "-mllvm -this-knob-does-not-exist"});
  EXPECT_EQ(accepted, (std::vector<std::string>{"-funroll-loops", "-mllvm -unroll-threshold"}));
}

class WholeTable : public ::testing::TestWithParam<CompilerFamily> {};

TEST_P(WholeTable, ProbingIsCheap) {
  const std::string compiler = GetParam() == CompilerFamily::Gcc ? "/usr/bin/gcc" : "/usr/bin/clang";
  if (!executable(compiler)) {
    GTEST_SKIP() << "no " << compiler;
  }
  auto names = SearchSpace::option_names(GetParam(), SafetyPolicy{});
  size_t runs = 0;
  auto accepted = probe_options(compiler, GetParam(), names, &runs);
  size_t rejected = names.size() - accepted.size();
  std::printf("%s: %zu options probed, %zu rejected, %zu compiler runs\n", compiler.c_str(), names.size(), rejected,
              runs);
  for (const auto& n : names) {
    if (std::find(accepted.begin(), accepted.end(), n) == accepted.end()) {
      std::printf("  rejected: %s\n", n.c_str());
    }
  }
  // The tables are written for the compilers we ship with: nearly everything is accepted.
  EXPECT_LE(rejected, names.size() / 10);
  EXPECT_LE(runs, 1 + 2 * rejected * static_cast<size_t>(std::ceil(std::log2(names.size()))));
  EXPECT_LT(runs, names.size() / 2);
}

INSTANTIATE_TEST_SUITE_P(Compilers, WholeTable, ::testing::Values(CompilerFamily::Gcc, CompilerFamily::Clang),
                         [](const auto& info) { return std::string(family_name(info.param)); });

} // namespace
} // namespace llmcc
