#include "util/strings.h"

#include <gtest/gtest.h>

using namespace llmcc;

TEST(ShellWords, SplitsQuotesWithoutExpanding) {
  std::vector<std::string> out;
  ASSERT_TRUE(split_shell_words(R"(./bench --n 3 "a b" 'c $HOME' d\ e)", out, nullptr));
  EXPECT_EQ(out, (std::vector<std::string>{"./bench", "--n", "3", "a b", "c $HOME", "d e"}));
}

TEST(ShellWords, RejectsUnbalancedQuotes) {
  std::vector<std::string> out;
  std::string err;
  EXPECT_FALSE(split_shell_words("echo 'oops", out, &err));
  EXPECT_EQ(err, "unbalanced quote");
}

TEST(Strings, ReplaceAll) { EXPECT_EQ(replace_all("/a/x/a/y", "/a/", "./"), "./x./y"); }
