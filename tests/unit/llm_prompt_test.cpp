#include "llm/prompt.h"

#include <gtest/gtest.h>

#include <fstream>

#include "hwdetect/host.h"
#include "llm_test_support.h"

using namespace llmcc;

namespace {

PlanningContext sample_context() {
  PlanningContext ctx = llmcc::testing::gcc_planning_context();
  ctx.features = {{"loops", 7}, {"max_loop_depth", 3}};
  ctx.source_excerpt = "void saxpy(float* y, const float* x, float a, int n) {\n  for (int i = 0; i < n; ++i) y[i] += a * x[i];\n}\n";
  return ctx;
}

} // namespace

TEST(Prompt, RenderIsOnePassAndKeepsUnknownPlaceholders) {
  EXPECT_EQ(render_template("a {{x}} b {{ y }} {{z}}", {{"x", "{{y}}"}, {"y", "Y"}}), "a {{y}} b Y {{z}}");
  EXPECT_EQ(render_template("{{x", {{"x", "X"}}), "{{x");
  EXPECT_EQ(render_template("", {}), "");
}

TEST(Prompt, ExcerptsAreBounded) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "int line_" + std::to_string(i) + ";\n";
  }
  std::string cut = bounded_excerpt(text, 500);
  EXPECT_LE(cut.size(), 500u + 20u);
  EXPECT_NE(cut.find("[truncated]"), std::string::npos);
  EXPECT_EQ(bounded_excerpt("short", 500), "short");
}

TEST(Prompt, SpaceIsListedCompactly) {
  SearchSpace space(CompilerFamily::Gcc,
                    {Dimension{"-O", "opt", {"", "-O2", "-O3"}},
                     Dimension{"-funroll-loops", "loop", {"", "-funroll-loops", "-fno-unroll-loops"}},
                     Dimension{"--param=max-unroll-times", "loop", {"", "--param=max-unroll-times=2", "--param=max-unroll-times=8"}}});
  std::string text = describe_space(space, CompilerFamily::Gcc);
  EXPECT_NE(text.find("[opt] -O2 | -O3"), std::string::npos) << text;
  EXPECT_NE(text.find("-funroll-loops | -fno-unroll-loops"), std::string::npos) << text;
  EXPECT_NE(text.find("--param=max-unroll-times={2,8}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"pipeline\" must be \"\""), std::string::npos);
  // Without a session space the option table stands in.
  std::string table = describe_space(SearchSpace(), CompilerFamily::Gcc);
  EXPECT_NE(table.find("-funroll-loops"), std::string::npos);
  EXPECT_NE(table.find("--param=max-unroll-times="), std::string::npos);
}

TEST(Prompt, HardwareSummaryIsTrimmed) {
  nlohmann::json hw = {{"arch", "x86_64"},
                       {"vendor", "GenuineIntel"},
                       {"model_name", "Test CPU"},
                       {"isa", {"avx2", "fma", "fpu", "vme", "pse"}},
                       {"isa_level", "x86-64-v3"},
                       {"caches", {{{"level", 1}, {"type", "Data"}, {"size_kb", 32}, {"line_bytes", 64}, {"shared_by", 2}}}},
                       {"logical_cpus", 2},
                       {"physical_cores", 1},
                       {"fingerprint", "0123456789abcdef"},
                       {"class", "x86_64/GenuineIntel/x86-64-v3"}};
  std::string s = hardware_summary(hw);
  EXPECT_NE(s.find("Test CPU"), std::string::npos);
  EXPECT_NE(s.find("x86-64-v3"), std::string::npos);
  EXPECT_NE(s.find("avx2 fma"), std::string::npos);
  EXPECT_EQ(s.find("vme"), std::string::npos);       // not code-generation relevant
  EXPECT_EQ(s.find("0123456789abcdef"), std::string::npos); // no machine identity
  EXPECT_NE(s.find("L1 Data 32 KiB"), std::string::npos);
  EXPECT_EQ(hardware_summary(nlohmann::json()), "(unknown)");
}

TEST(Prompt, MessagesCarryHardwareSpaceFeaturesSourceAndEvidence) {
  PlanningContext ctx = sample_context();
  PromptInput in;
  in.context = &ctx;
  in.k = 3;
  TrialOutcome good;
  good.config.opt_level = "-O3";
  good.config.options = {"-funroll-loops"};
  good.verdict = Verdict::Ok;
  good.op = "llm";
  good.speedup = 1.25;
  good.speedup_low = 1.2;
  good.speedup_high = 1.3;
  TrialOutcome bad;
  bad.config.opt_level = "-O3";
  bad.config.options = {"-ftree-vectorize"};
  bad.verdict = Verdict::Mismatch;
  bad.detail = "output differs at line 3";
  in.outcomes = {good, bad};
  in.rejected = {{"-fplugin=evil.so", "not allowed: -fplugin= loads code"}};
  in.rejected_counts = {{"not allowed", 1}};
  auto messages = build_messages(default_templates(), in);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[1].role, "user");
  const std::string& p = messages[1].content;
  EXPECT_NE(p.find("Propose 3 new configurations"), std::string::npos);
  EXPECT_NE(p.find("gcc 12.2.0"), std::string::npos);
  EXPECT_NE(p.find("Baseline configuration: -O2"), std::string::npos);
  EXPECT_NE(p.find(ctx.hardware.value("isa_level", std::string("?"))), std::string::npos);
  EXPECT_NE(p.find("-funroll-loops | -fno-unroll-loops"), std::string::npos);
  EXPECT_NE(p.find("\"max_loop_depth\":3"), std::string::npos);
  EXPECT_NE(p.find("y[i] += a * x[i]"), std::string::npos);
  EXPECT_NE(p.find("| -O3 -funroll-loops | llm | ok | 1.250 [1.200, 1.300] |"), std::string::npos) << p;
  EXPECT_NE(p.find("mismatch"), std::string::npos);
  EXPECT_NE(p.find("output differs at line 3"), std::string::npos);
  EXPECT_NE(p.find("-fplugin=evil.so: not allowed"), std::string::npos);
  EXPECT_EQ(p.find("{{"), std::string::npos); // every placeholder filled
  EXPECT_NE(messages[0].content.find("\"candidates\""), std::string::npos);
}

TEST(Prompt, LongSourcesAndEvidenceStayBounded) {
  PlanningContext ctx = sample_context();
  ctx.source_excerpt = std::string(100 * 1024, 'x');
  PromptInput in;
  in.context = &ctx;
  for (int i = 0; i < 500; ++i) {
    TrialOutcome o;
    o.config.options = {"--param=max-unroll-times=" + std::to_string(i % 64 + 1)};
    o.verdict = Verdict::Ok;
    o.speedup = 1.0 + i / 1000.0;
    in.outcomes.push_back(o);
  }
  auto messages = build_messages(default_templates(), in);
  EXPECT_LT(messages[1].content.size(), 60u * 1024);
  EXPECT_NE(messages[1].content.find("other trials omitted"), std::string::npos);
}

TEST(Prompt, TemplatesCanBeOverriddenFromADirectory) {
  llmcc::testing::TempDir dir;
  std::ofstream(dir.path() + "/propose.txt") << "custom {{k}} for {{source_rel}}";
  auto t = load_templates(dir.path());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->propose, "custom {{k}} for {{source_rel}}");
  EXPECT_EQ(t->system, default_templates().system); // not overridden: embedded default
  {
    llmcc::testing::ScopedEnv env("LLMCC_LLM_TEMPLATES", dir.path());
    auto from_env = load_templates();
    ASSERT_TRUE(from_env.ok());
    EXPECT_EQ(from_env->propose, "custom {{k}} for {{source_rel}}");
  }
  PlanningContext ctx = sample_context();
  PromptInput in;
  in.context = &ctx;
  in.k = 5;
  EXPECT_EQ(build_messages(*t, in)[1].content, "custom 5 for src/kernel.c");
}

TEST(Prompt, FeaturesShowCountsAndNeighboursWinners) {
  nlohmann::json f = {{"extractor", "gcc-plugin"},
                      {"counts", {{"loops", 2}}},
                      {"neighbours", {{{"source", "k/nbody.c"}, {"distance", 0.125},
                                       {"winners", {{{"config", "-O3 -ffast"}, {"speedup", 1.25}}}}}}}};
  EXPECT_EQ(describe_features(f),
            "Counts (gcc-plugin, GIMPLE after ssa / LLVM IR after SROA): {\"loops\":2}\n"
            "Tuned TUs with the most similar features (nearest first) and their confirmed winners here:\n"
            "- k/nbody.c (distance 0.125): -O3 -ffast (1.250x)\n");
  f["neighbours"] = nlohmann::json::array();
  EXPECT_NE(describe_features(f).find("No tuned TU with similar features"), std::string::npos);
  PlanningContext ctx = sample_context();
  ctx.features = f;
  PromptInput in;
  in.context = &ctx;
  auto msgs = build_messages(default_templates(), in);
  EXPECT_NE(msgs[1].content.find("Counts (gcc-plugin"), std::string::npos);
}
