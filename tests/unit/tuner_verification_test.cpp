#include "tuner/verification.h"

#include <gtest/gtest.h>

using namespace llmcc;

TEST(OutputsMatch, IgnoreRegexDropsTimingLine) {
  OutputPolicy p;
  p.ignore_regex = "^elapsed:";
  EXPECT_TRUE(outputs_match("result 42\nelapsed: 1.23 s\n", "result 42\nelapsed: 0.98 s\n", p));
  EXPECT_FALSE(outputs_match("result 42\nelapsed: 1.23 s\n", "result 43\nelapsed: 1.23 s\n", p));
  p.ignore_regex.clear();
  EXPECT_FALSE(outputs_match("result 42\nelapsed: 1.23 s\n", "result 42\nelapsed: 0.98 s\n", p));
}

TEST(OutputsMatch, NormalisesWhitespaceAndLineEndings) {
  OutputPolicy p;
  EXPECT_TRUE(outputs_match("a  \nb\t\n", "a\nb\n", p));
  EXPECT_TRUE(outputs_match("a\r\nb\r\n", "a\nb", p));
  EXPECT_TRUE(outputs_match("a\nb\n\n\n", "a\nb\n", p));
  EXPECT_FALSE(outputs_match("  a\n", "a\n", p)); // leading whitespace is content
  EXPECT_FALSE(outputs_match("a\n\nb\n", "a\nb\n", p)); // inner blank lines too
}

TEST(OutputsMatch, InvalidRegexComparesEverything) {
  OutputPolicy p;
  p.ignore_regex = "([unclosed";
  EXPECT_TRUE(outputs_match("x\n", "x\n", p));
  EXPECT_FALSE(outputs_match("x\n", "y\n", p));
}

TEST(OutputsMatch, ComparisonOff) {
  OutputPolicy p;
  p.compare = false;
  EXPECT_TRUE(outputs_match("x\n", "y\n", p));
  EXPECT_EQ(first_difference("x\n", "y\n", p), "");
}

TEST(FirstDifference, DescribesTheFirstDifferingLine) {
  OutputPolicy p;
  p.ignore_regex = "^time";
  EXPECT_EQ(first_difference("a\ntime 1\nb\nc\n", "a\ntime 2\nb\nd\n", p), "line 4: expected 'c' got 'd'");
  EXPECT_EQ(first_difference("a\nb\n", "a\n", p), "line 2: expected 'b' got end of output");
  EXPECT_EQ(first_difference("a\n", "a\nextra\n", p), "line 2: expected end of output got 'extra'");
  EXPECT_EQ(first_difference("same\n", "same  \n", p), "");
}

TEST(FirstDifference, TruncatesLongLinesAroundTheDifference) {
  OutputPolicy p;
  std::string base(500, 'x');
  std::string cand = base;
  cand[300] = 'Y';
  std::string d = first_difference(base, cand, p);
  EXPECT_LE(d.size(), 125u);
  EXPECT_EQ(d.rfind("line 1: expected '", 0), 0u) << d;
  EXPECT_NE(d.find('Y'), std::string::npos) << d; // the window shows the difference
}

TEST(RunVerify, PassFailTimeout) {
  VerifyResult ok = run_verify({"/bin/true"}, "", 30);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.detail, "exit 0");

  VerifyResult fail = run_verify({"/bin/sh", "-c", "echo one; echo two; echo 'assertion failed: x == 3' >&2; exit 2"}, "/",
                                 30);
  EXPECT_FALSE(fail.ok);
  EXPECT_EQ(fail.detail, "exit 2: one | two | assertion failed: x == 3");

  VerifyResult many = run_verify({"/bin/sh", "-c", "for i in 1 2 3 4 5 6 7; do echo line$i; done; exit 1"}, "", 30);
  EXPECT_FALSE(many.ok);
  EXPECT_EQ(many.detail, "exit 1: line3 | line4 | line5 | line6 | line7");

  VerifyResult slow = run_verify({"sleep", "5"}, "", 0.3);
  EXPECT_FALSE(slow.ok);
  EXPECT_EQ(slow.detail, "timed out");

  VerifyResult missing = run_verify({"/nonexistent/llmcc-verify"}, "", 30);
  EXPECT_FALSE(missing.ok);
  EXPECT_FALSE(missing.detail.empty());

  EXPECT_FALSE(run_verify({}, "", 30).ok);
}
