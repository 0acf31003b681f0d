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

TEST(Transfer, SameSourceFirstThenOthersOfThisCompilerAndClass) {
  std::vector<WinnerRecord> ws = {winner("a.c", "gcc", "x86-64-v4", "-fa"), winner("k.c", "gcc", "x86-64-v4", "-fk"),
                                  winner("b.c", "clang", "x86-64-v4", "-fb"), winner("c.c", "gcc", "x86-64-v3", "-fc"),
                                  winner("d.c", "gcc", "x86-64-v4", "-fd")};
  EXPECT_EQ(displays(transfer_seeds(ws, "gcc", "x86-64-v4", "k.c")),
            (std::vector<std::string>{"-O3 -fk", "-O3 -fa", "-O3 -fd"}));
  EXPECT_TRUE(transfer_seeds(ws, "gcc", "arm64", "k.c").empty());
}

TEST(Transfer, AtMostFiveFromOtherSources) {
  std::vector<WinnerRecord> ws;
  for (int i = 0; i < 8; ++i) {
    ws.push_back(winner("f" + std::to_string(i) + ".c", "gcc", "v4", "-f" + std::to_string(i)));
  }
  EXPECT_EQ(transfer_seeds(ws, "gcc", "v4", "new.c").size(), 5u);
}
