#include "tuner/planner_seeds.h"

#include "flags/allow_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace llmcc {
namespace {

std::vector<std::string> first(const std::vector<TuneConfig>& seeds, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n && i < seeds.size(); ++i) {
    out.push_back(seeds[i].display());
  }
  return out;
}

TEST(PlannerSeeds, RecognisesTheMathLibrary) {
  EXPECT_TRUE(uses_math_library("#include <math.h>\nint f(void);"));
  EXPECT_TRUE(uses_math_library("#include <cmath>\n"));
  EXPECT_TRUE(uses_math_library("double d = sqrt (x * x + y * y);"));
  EXPECT_TRUE(uses_math_library("return llround(re[i]);"));
  EXPECT_FALSE(uses_math_library("#include <stdio.h>\nint main(void) { return square(2); }"));
  EXPECT_FALSE(uses_math_library("int sqrtish = 3; int explain(void);"));
}

// A TU that calls sqrt gets -O3 -march=native -fno-math-errno second (the
// n-body case: at 12 trials it was never reached); one that does not gets the
// -fno-math-errno family last, where it would only compile to the same code.
TEST(PlannerSeeds, MathTusTryTheNoErrnoFamilyEarly) {
  SearchSpace space = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  auto math = known_good_seeds(space, "time", true);
  EXPECT_EQ(first(math, 4), (std::vector<std::string>{"-O3", "-O3 -march=native", "-O3 -march=native -fno-math-errno",
                                                        "-O3 -fno-math-errno"}));
  auto plain = known_good_seeds(space, "time", false);
  EXPECT_EQ(first(plain, 5), (std::vector<std::string>{"-O3", "-O3 -march=native", "-O2", "-O1",
                                                         "-O3 -march=native -funroll-loops"}));
  EXPECT_EQ(plain.size(), math.size());
  EXPECT_EQ(plain.back().display(), "-O3 -march=native -funroll-loops -fno-math-errno");
}

} // namespace
} // namespace llmcc
