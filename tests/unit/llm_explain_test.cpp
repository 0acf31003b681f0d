// `llmcc explain`: the winner of a source with its rationale, and the trials behind it.
#include <gtest/gtest.h>

#include "cache/local/store.h"
#include "llm_test_support.h"
#include "util/process.h"

using namespace llmcc;

namespace {

std::string tool_path() { return std::string(LLMCC_BINARY_DIR) + "/bin/llmcc-tool"; }

ProcessResult run_tool(const std::string& db, const std::string& cache_dir, const std::vector<std::string>& args) {
  ProcessOptions o;
  o.argv = {tool_path()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.cwd = cache_dir;
  o.env_set = {{"LLMCC_DB", db}, {"LLMCC_DIR", cache_dir}};
  o.timeout_sec = 120;
  auto r = run_process(o);
  return r.ok() ? *r : ProcessResult{};
}

} // namespace

TEST(Explain, ShowsWinnerRationaleAndEvidence) {
  if (!fs::is_executable_file(tool_path())) {
    GTEST_SKIP() << "llmcc-tool not built";
  }
  llmcc::testing::TempDir dir;
  std::string db = dir.path() + "/llmcc.db";
  {
    auto store = Store::open(db);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto session = (*store)->create_session(dir.path(), nlohmann::json::object());
    ASSERT_TRUE(session.ok());
    TrialRow ok;
    ok.session_id = *session;
    ok.tu_key = "tu-key-1";
    ok.source = "src/kernel.c";
    ok.config.opt_level = "-O3";
    ok.config.options = {"-funroll-loops"};
    ok.planner = "hybrid";
    ok.op = "llm";
    ok.verdict = Verdict::Ok;
    ok.detail = "unroll the dot product";
    ok.objective = "time";
    ok.speedup = 1.21;
    ok.speedup_low = 1.18;
    ok.speedup_high = 1.24;
    ASSERT_TRUE((*store)->add_trial(ok).ok());
    TrialRow bad = ok;
    bad.config.options = {"-ftree-vectorize"};
    bad.op = "mutate";
    bad.verdict = Verdict::Mismatch;
    bad.detail = "output differs at line 2";
    bad.speedup.reset();
    bad.speedup_low.reset();
    bad.speedup_high.reset();
    ASSERT_TRUE((*store)->add_trial(bad).ok());

    WinnerRecord w;
    w.tu_key = "tu-key-1";
    w.source_rel = "src/kernel.c";
    w.source_base = "kernel.c";
    w.compiler_id = "cc1";
    w.host_fp = "0123456789abcdef";
    w.hw_class = "x86_64/test/x86-64-v3";
    w.config = ok.config;
    w.speedup = 1.21;
    w.speedup_low = 1.18;
    w.speedup_high = 1.24;
    w.session_id = *session;
    w.rationale = "unroll the dot product\x1b[2J so the FMA units stay busy";
    Status put = (*store)->put_winner(w);
    ASSERT_TRUE(put.ok()) << put.message();
  }
  auto r = run_tool(db, dir.path(), {"explain", "src/kernel.c"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("config:     -O3 -funroll-loops"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1.210x  (95% confidence [1.180, 1.240])"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rationale:  unroll the dot product [2J so the FMA units stay busy"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("evidence (2 trials)"), std::string::npos);
  EXPECT_NE(r.out.find("mismatch"), std::string::npos);
  EXPECT_NE(r.out.find("output differs at line 2"), std::string::npos);
  EXPECT_NE(r.out.find("[1.180, 1.240]"), std::string::npos);

  // By file name too, and as JSON.
  auto j = run_tool(db, dir.path(), {"explain", "--json", "kernel.c"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto parsed = nlohmann::json::parse(j.out);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["trials"].size(), 2u);

  auto missing = run_tool(db, dir.path(), {"explain", "src/other.c"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no tuned configuration for src/other.c"), std::string::npos) << missing.err;
}
