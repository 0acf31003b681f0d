#include "tuner/objective.h"

#include <gtest/gtest.h>

#include <string>

using namespace llmcc;

TEST(Objective, NamesRoundTrip) {
  for (Objective o : {Objective::Time, Objective::Size, Objective::Instructions}) {
    auto parsed = parse_objective(std::string(objective_name(o)));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, o);
  }
  auto bad = parse_objective("speed");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "unknown objective 'speed' (expected time, size or instructions)");
}
