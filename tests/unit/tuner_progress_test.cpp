#include "tuner/progress.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace llmcc;

namespace {

TuneConfig config(std::string opt, std::vector<std::string> options, std::string pipeline = "") {
  TuneConfig c;
  c.opt_level = std::move(opt);
  c.options = std::move(options);
  c.pipeline = std::move(pipeline);
  return c;
}

TuneConfig explore_draw(int n) {
  TuneConfig c = config("-O2", {});
  for (int i = 0; i < n; ++i) {
    c.options.push_back("-fopt-" + std::to_string(i));
  }
  return c;
}

} // namespace

TEST(Progress, ShowsAConfigAsItsDifferenceFromANamedBase) {
  EXPECT_EQ(config_difference(config("-O3", {"-march=native", "-fno-math-errno"})), "-O3 -march=native +fno-math-errno");
  EXPECT_EQ(config_difference(config("-O2", {})), "-O2");
  EXPECT_EQ(config_difference(config("-O3", {"--param=max-unroll-times=8", "-mllvm -unroll-threshold=300"})),
            "-O3 +param=max-unroll-times=8 +mllvm:unroll-threshold=300");
  EXPECT_EQ(config_difference(config("-O2", {}, "default<O3>")), "-O2 +passes=default<O3>");
  EXPECT_EQ(config_difference(config("", {"-funroll-loops"})), "(default) +funroll-loops");
  EXPECT_EQ(config_difference(TuneConfig{}), "(default)");
}

TEST(Progress, ShortensALongConfigToWhatFits) {
  TuneConfig c = explore_draw(43);
  EXPECT_EQ(short_config(c, "explore", 30), "-O2 +fopt-0 +fopt-1 +41 more");
  EXPECT_EQ(short_config(c, "explore", 20), "-O2 +fopt-0 +42 more");
  TuneConfig wide = config("-O2", {"-fsome-long-optimisation-flag", "-fanother-long-optimisation-flag"});
  EXPECT_EQ(short_config(wide, "explore", 30), "explore: 2 options changed");
  EXPECT_EQ(short_config(wide, "", 30), "-O2: 2 options changed");
  EXPECT_EQ(short_config(wide, "explore", 20), "explore: 2 changed");
  EXPECT_EQ(short_config(wide, "explore", 12), "explore: ...");
  // Nothing added, and even the base does not fit: it is cut, never overrun.
  EXPECT_EQ(short_config(config("-O3", {"-march=native"}), "seed", 16), "-O3 -march=na...");
  EXPECT_EQ(short_config(config("-O3", {"-fno-math-errno"}), "seed", 40), "-O3 +fno-math-errno");
  EXPECT_EQ(short_config(config("-O3", {"-fno-math-errno", "-fpeel-loops"}), "seed", 23), "seed: 2 options changed");
}

TEST(Progress, ReadsBackTheDisplayForm) {
  TuneConfig c = config("-O3", {"-march=native", "-mllvm -unroll-threshold=300", "--param=x=1"}, "default<O2>");
  EXPECT_EQ(config_from_display(c.display()), c);
  EXPECT_EQ(config_from_display("(default)"), TuneConfig{});
  EXPECT_EQ(config_from_display("-funroll-loops"), config("", {"-funroll-loops"}));
}

TEST(Progress, ATrialLineFitsTheWidth) {
  TrialLine t{"src/kernels/kernel.c", 3, 40, "ok", 1.0431, 1.12, 75, "seed",
              config("-O3", {"-march=native", "-fno-math-errno"})};
  EXPECT_EQ(format_trial_line(t, 120, false),
            "[src/kernels/kernel.c]  3/40 ok       1.043x best 1.120x ETA 1m15s -O3 -march=native +fno-math-errno");
  // Too long for 80 columns: the columns close up, then the source gives way to its file name.
  EXPECT_EQ(format_trial_line(t, 99, false),
            "[src/kernels/kernel.c] 3/40 ok 1.043x best 1.120x ETA 1m15s -O3 -march=native +fno-math-errno");
  EXPECT_EQ(format_trial_line(t, 82, false),
            "[kernel.c] 3/40 ok 1.043x best 1.120x ETA 1m15s -O3 -march=native +fno-math-errno");
  EXPECT_EQ(format_trial_line(t, 80, false), "[kernel.c] 3/40 ok 1.043x best 1.120x ETA 1m15s seed: 1 option changed");
  t.config = explore_draw(43);
  t.op = "explore";
  t.verdict = "compile_error";
  t.speedup.reset();
  EXPECT_EQ(format_trial_line(t, 80, false),
            "[kernel.c] 3/40 compile_error - best 1.120x ETA 1m15s -O2 +fopt-0 +42 more");
  for (size_t width : {40u, 60u, 80u, 100u, 200u}) {
    EXPECT_LE(format_trial_line(t, width, false).size(), width);
  }
  // -v: the config whole, whatever the width.
  EXPECT_EQ(format_trial_line(t, 80, true),
            "[src/kernels/kernel.c]  3/40 compile_error       - best 1.120x ETA 1m15s " + t.config.display());
}

TEST(Progress, AProfileTrialSaysItUsesTheProfileAndCountsApart) {
  TuneConfig c = config("-O3", {"-march=native", "-fno-math-errno", "-fpeel-loops"});
  c.pgo = "0123456789abcdef0123456789abcdef";
  TrialLine t{"kernel.c", 12, 12, "ok", 1.412, 1.412, 3, "pgo", c, 2};
  EXPECT_EQ(format_trial_line(t, 120, false),
            "[kernel.c] 12/12 (+2 profile) ok       1.412x best 1.412x ETA 3s -O3 -march=native pgo=use "
            "+fno-math-errno +fpeel-loops");
  // Shortened, it still names the profile.
  EXPECT_EQ(format_trial_line(t, 110, false),
            "[kernel.c] 12/12 (+2 profile) ok 1.412x best 1.412x ETA 3s -O3 -march=native pgo=use +fno-math-errno "
            "+1 more");
  TuneConfig alone;
  alone.pgo = kPgoRequest;
  EXPECT_EQ(config_difference(alone), "(default) pgo=use");
  EXPECT_EQ(config_from_display("-O3 -march=native pgo=use").pgo, kPgoRequest);
  // Plain trials of a --pgo session show as before.
  t.profile = 0;
  t.config.pgo.clear();
  EXPECT_EQ(format_trial_line(t, 120, false),
            "[kernel.c] 12/12 ok       1.412x best 1.412x ETA 3s -O3 -march=native +fno-math-errno +fpeel-loops");
}

TEST(Progress, CutsWithAMark) {
  EXPECT_EQ(fit_to_width("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(fit_to_width("abcdefghijk", 10), "abcdefg...");
  EXPECT_EQ(fit_to_width("abcdef", 2), "ab");
}

TEST(Progress, WidthFollowsColumnsWhenNotATerminal) {
  if (isatty(2)) {
    GTEST_SKIP() << "stderr is a terminal";
  }
  setenv("COLUMNS", "132", 1);
  EXPECT_EQ(terminal_width(), 132u);
  setenv("COLUMNS", "junk", 1);
  EXPECT_EQ(terminal_width(), 80u);
  unsetenv("COLUMNS");
  EXPECT_EQ(terminal_width(), 80u);
}
