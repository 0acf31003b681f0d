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
