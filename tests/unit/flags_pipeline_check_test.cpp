#include "flags/pipeline_check.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using namespace llmcc;

namespace {

std::optional<std::string> check_clang(const std::string& pipeline) {
  return check_pipeline(option_table(CompilerFamily::Clang), CompilerFamily::Clang, pipeline);
}

} // namespace

TEST(PipelineCheck, AcceptsNestedPipelines) {
  for (const char* p :
       {"default<O3>", "cgscc(function-attrs,inline),function(loop-mssa(licm,loop-rotate),gvn)",
        "module(globaldce),function(simplifycfg<bonus-inst-threshold=2;hoist-common-insts>)",
        "function(loop(loop-idiom,indvars),loop-vectorize,slp-vectorizer)",
        "sroa,early-cse<memssa>", "loop-unroll<O3;full-unroll-max=8>",
        "function(sroa,instcombine,loop-unroll<O3>)"}) {
    auto why = check_clang(p);
    EXPECT_FALSE(why.has_value()) << p << ": " << why.value_or("");
  }
}

TEST(PipelineCheck, IsClangOnly) {
  auto why =
      check_pipeline(option_table(CompilerFamily::Gcc), CompilerFamily::Gcc, "function(sroa)");
  EXPECT_EQ(why, "pass pipelines are clang-only");
}

TEST(PipelineCheck, RejectsBadPipelines) {
  struct Case {
    const char* pipeline;
    const char* reason;
  };
  for (const auto& c : std::vector<Case>{
           {"function(dot-cfg)", "unknown pass"},
           {"view-cfg", "unknown pass"},
           {"print<domtree>", "unknown pass"},
           {"function(sroa", "unbalanced"},
           {"function(sroa))", "unexpected"},
           {"function(sroa,,gvn)", "expected a pass name"},
           {"function()", "expected a pass name"},
           {"loop-unroll<O3", "unbalanced '<'"},
           {"loop-unroll<>", "malformed parameters"},
           {"function(sroa, instcombine)", "not allowed"},
           {"function(sroa);id", "unexpected ';'"},
           {"function(sroa)|id", "not allowed"},
           {"function(sroa)\nid", "not allowed"},
           {"function(sroa)/x", "not allowed"},
           {"function(licm)", "loop-mssa"},
           {"function(loop(licm))", "loop-mssa"},
           {"function(globaldce)", "module pass"},
           {"sroa(instcombine)", "not an adaptor"},
           {"loop(licm)", "loop-mssa"},
           {"cgscc(loop-mssa(licm))", "cannot appear"},
           {"default", "default<"},
           {"default<O9>", "default<"},
           {"function", "must be followed"},
           // check_config reads an empty pipeline as "none" and never asks; asked, it is refused.
           {"", "empty pass name"},
       }) {
    auto why = check_clang(c.pipeline);
    ASSERT_TRUE(why.has_value()) << c.pipeline;
    EXPECT_NE(why->find(c.reason), std::string::npos) << c.pipeline << ": " << *why;
  }
}

TEST(PipelineCheck, RejectsDeepAndHugePipelines) {
  std::string deep;
  for (int i = 0; i < 50; ++i) {
    deep += "module(";
  }
  deep += "globaldce";
  deep += std::string(50, ')');
  EXPECT_EQ(check_clang(deep), "nested more than 8 levels deep");

  std::string huge = "function(sroa";
  while (huge.size() < 9000) {
    huge += ",sroa";
  }
  huge += ")";
  EXPECT_EQ(check_clang(huge), "longer than 8192 characters");
}
