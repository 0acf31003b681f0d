#include "flags/option_table.h"

#include <gtest/gtest.h>

using namespace llmcc;

TEST(OptionTable, BothTablesLoad) {
  const auto& gcc = option_table(CompilerFamily::Gcc);
  const auto& clang = option_table(CompilerFamily::Clang);
  EXPECT_EQ(gcc.family, CompilerFamily::Gcc);
  EXPECT_GE(gcc.flags.size(), 40u);
  EXPECT_GE(gcc.params.size(), 15u);
  EXPECT_TRUE(gcc.mllvm.empty());
  EXPECT_TRUE(gcc.passes.empty());
  EXPECT_GE(clang.flags.size(), 20u);
  EXPECT_GE(clang.mllvm.size(), 10u);
  EXPECT_GE(clang.passes.size(), 30u);
  EXPECT_TRUE(clang.params.empty());
  EXPECT_TRUE(option_table(CompilerFamily::Unknown).flags.empty());
  EXPECT_TRUE(option_table(CompilerFamily::Unknown).opt_levels.empty());
}

TEST(OptionTable, Lookups) {
  const auto& gcc = option_table(CompilerFamily::Gcc);
  ASSERT_NE(gcc.find_flag("-funroll-loops"), nullptr);
  EXPECT_EQ(gcc.find_flag("-funroll-loops")->kind, "bool");
  EXPECT_EQ(gcc.find_flag("-fno-unroll-loops"), nullptr); // positive names only
  ASSERT_NE(gcc.find_param("max-unroll-times"), nullptr);
  EXPECT_EQ(gcc.find_param("max-unroll-times")->default_value, 8);
  EXPECT_EQ(gcc.find_mllvm("unroll-threshold"), nullptr);
  const auto& clang = option_table(CompilerFamily::Clang);
  ASSERT_NE(clang.find_mllvm("unroll-threshold"), nullptr);
  EXPECT_EQ(clang.pass_levels.at("licm"), "loop");
  EXPECT_TRUE(clang.is_semantic("-fstack-protector-all"));
  EXPECT_FALSE(clang.is_semantic("-fomit-frame-pointer"));
  EXPECT_TRUE(gcc.is_unsafe_group("unsafe-math"));
  EXPECT_FALSE(gcc.is_unsafe_group("loop"));
}

TEST(OptionTable, ParserRejectsBrokenData) {
  EXPECT_FALSE(parse_option_table("not json", CompilerFamily::Gcc).ok());
  EXPECT_FALSE(parse_option_table(R"({"flags":[{"name":"-fno-x","kind":"bool","group":"loop"}]})",
                                  CompilerFamily::Gcc)
                   .ok());
  EXPECT_FALSE(parse_option_table(R"({"params":[{"name":"p","min":5,"max":1,"default":3}]})",
                                  CompilerFamily::Gcc)
                   .ok());
  EXPECT_FALSE(parse_option_table(R"({"family":"clang"})", CompilerFamily::Gcc).ok());
  EXPECT_FALSE(parse_option_table(R"({"flags":[{"name":7}]})", CompilerFamily::Gcc).ok());
  EXPECT_TRUE(
      parse_option_table(R"({"family":"gcc","opt_levels":["-O2"]})", CompilerFamily::Gcc).ok());
}
