#include "report/plots.h"
#include "report/render.h"
#include "report/report_data.h"
#include "report/svg.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

TuneConfig config(std::string opt, std::vector<std::string> options = {}) {
  TuneConfig c;
  c.opt_level = std::move(opt);
  c.options = std::move(options);
  return c;
}

TrialRow trial(int64_t session, const TuneConfig& c, Verdict v, std::optional<double> speedup,
               std::string planner = "builtin") {
  TrialRow t;
  t.session_id = session;
  t.tu_key = "key1";
  t.source = "/p/src/kernel.c";
  t.config = c;
  t.planner = std::move(planner);
  t.op = "seed";
  t.verdict = v;
  t.objective = "instructions";
  t.speedup = speedup;
  if (speedup) {
    t.speedup_low = *speedup - 0.01;
    t.speedup_high = *speedup + 0.01;
  }
  t.samples = nlohmann::json::array({100.0});
  t.base_samples = nlohmann::json::array({120.0});
  t.compile_sec = 0.5;
  t.run_sec = 0.25;
  return t;
}

// One session with a tuned TU: -O3 screened at 1.1x, -O3 -march=native at
// 1.2x, a failed draw, and a confirmed 1.32x winner.
std::unique_ptr<Store> tuned_store(const TempDir& d, int64_t& session) {
  auto s = Store::open(d.path() + "/llmcc.db");
  EXPECT_TRUE(s.ok());
  Store& store = **s;
  nlohmann::json args = {{"objective", "instructions"}, {"planner", "builtin"}, {"budget", 4},
                         {"bench", {"./prog", "3"}}};
  session = *store.create_session("/p", args);
  TuneConfig win = config("-O3", {"-march=native", "-fno-math-errno"});
  EXPECT_TRUE(store.add_trial(trial(session, config("-O3"), Verdict::Ok, 1.1)).ok());
  EXPECT_TRUE(store.add_trial(trial(session, config("-O3", {"-march=native"}), Verdict::Ok, 1.2)).ok());
  EXPECT_TRUE(store.add_trial(trial(session, config("-O2", {"-fbogus"}), Verdict::CompileError, std::nullopt)).ok());
  EXPECT_TRUE(store.add_trial(trial(session, win, Verdict::Ok, 1.3)).ok());
  TrialRow confirm = trial(session, win, Verdict::Ok, 1.32, "confirm");
  confirm.samples = nlohmann::json::array({90.0, 91.0, 92.0});
  confirm.base_samples = nlohmann::json::array({119.0, 120.0, 121.0});
  EXPECT_TRUE(store.add_trial(confirm).ok());
  WinnerRecord w;
  w.tu_key = "key1";
  w.source_rel = "src/kernel.c";
  w.source_base = "kernel.c";
  w.compiler_id = "gcc12";
  w.host_fp = "host1";
  w.hw_class = "x86_64/intel/x86-64-v3";
  w.objective = "instructions";
  w.config = win;
  w.speedup = 1.32;
  w.speedup_low = 1.32;
  w.speedup_high = 1.32;
  w.session_id = session;
  EXPECT_TRUE(store.put_winner(w).ok());
  EXPECT_TRUE(store.put_host("host1", "x86_64/intel/x86-64-v3", {{"model_name", "Test CPU"}}).ok());
  nlohmann::json summary = {
      {"seconds", 10.0},
      {"tus",
       {{{"source", "src/kernel.c"}, {"status", "tuned"}, {"reason", ""}, {"baseline", 120.0}, {"trials", 4},
         {"failed_trials", 1}}}},
      {"program", {{"speedup", 1.25}, {"low", 1.25}, {"high", 1.25}}},
      {"notes", {"a note"}}};
  EXPECT_TRUE(store.update_session(session, SessionState::Done, summary).ok());
  CapturedCommand c;
  c.kind = "compile";
  c.cwd = "/p";
  c.argv = {"/usr/bin/gcc", "-O2", "-march=native", "-c", "/p/src/kernel.c", "-o", "/p/kernel.o"};
  c.compiler = "/usr/bin/gcc";
  c.source = "/p/src/kernel.c";
  c.output = "/p/kernel.o";
  c.language = "c";
  EXPECT_TRUE(store.record(c, {}).ok());
  return std::move(*s);
}

} // namespace

TEST(Report, CollectsTheSessionFromTheDatabase) {
  TempDir d;
  int64_t session = 0;
  auto store = tuned_store(d, session);
  auto r = report::collect_report(*store, session);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& tu = (*r)["tus"][0];
  EXPECT_EQ(tu["source"], "src/kernel.c");
  EXPECT_DOUBLE_EQ(tu["gain"]["plain"]["speedup"].get<double>(), 1.32);
  EXPECT_DOUBLE_EQ(tu["gain"]["o3"]["speedup"].get<double>(), 1.32 / 1.1);
  EXPECT_DOUBLE_EQ(tu["gain"]["o3_native"]["reference"].get<double>(), 1.2);
  // Best so far over the screening trials; the confirmation is not a trial of the search.
  ASSERT_EQ(tu["convergence"].size(), 4u);
  EXPECT_DOUBLE_EQ(tu["convergence"][2]["best"].get<double>(), 1.2);
  EXPECT_EQ(tu["convergence"][2]["verdict"], "compile_error");
  EXPECT_TRUE(tu["convergence"][2]["failed"].get<bool>());
  EXPECT_DOUBLE_EQ(tu["convergence"][3]["best"].get<double>(), 1.3);
  // The baseline's runs: one per screening trial and three from the confirmation.
  EXPECT_EQ(tu["noise"]["baseline_runs"]["runs"], 7);
  EXPECT_DOUBLE_EQ(tu["noise"]["baseline_runs"]["median"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(tu["noise"]["confirmation"][0]["runs"]["spread"].get<double>(), 2.0 / 91.0);
  // The build has -march=native already: the winner adds -O3 and -fno-math-errno.
  EXPECT_EQ(tu["winner"]["adds"], nlohmann::json::array({"-O3", "-fno-math-errno"}));
  EXPECT_EQ(tu["winner"]["undo"], "llmcc forget src/kernel.c");
  EXPECT_EQ(tu["winner"]["found_by"]["op"], "seed");
  EXPECT_DOUBLE_EQ((*r)["time"]["compile_sec"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ((*r)["time"]["run_sec"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ((*r)["time"]["other_sec"].get<double>(), 6.25);
  EXPECT_TRUE((*r)["llm"].is_null());
  EXPECT_EQ((*r)["hardware"][0]["info"]["model_name"], "Test CPU");
}

TEST(Report, PagesShowTheDocumentsNumbers) {
  TempDir d;
  int64_t session = 0;
  auto store = tuned_store(d, session);
  auto r = report::collect_report(*store, session);
  ASSERT_TRUE(r.ok());
  std::string html = report::render_html(*r);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("1.320x [1.320, 1.320]"), std::string::npos);
  EXPECT_NE(html.find("1.200x [1.200, 1.200]"), std::string::npos); // vs -O3: 1.32 / 1.1
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http:"), html.find("http://www.w3.org/2000/svg")); // only SVG's namespace name
  std::string md = report::render_markdown(*r);
  EXPECT_NE(md.find("| `src/kernel.c` | tuned | 1.320x [1.320, 1.320] | 1.200x [1.200, 1.200] | "
                    "1.100x [1.100, 1.100] | 4 | 1 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Whole program against the plain build: **1.250x [1.250, 1.250]**."), std::string::npos);
}

TEST(Report, MissingSessionIsAnError) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  auto r = report::collect_report(**s, 42);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "no tuning session 42 in the database");
}

TEST(Svg, EscapesTextAndWritesShapes) {
  EXPECT_EQ(report::xml_escape("a<b & \"c\" 'd'>\x01"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt; ");
  report::Svg svg(100, 50, "t<1>");
  svg.line(0, 0, 10, 10, "#000");
  svg.circle(5, 5, 2, "red", "tip & more");
  EXPECT_EQ(svg.str(), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" "
                       "role=\"img\" font-family=\"sans-serif\"><title>t&lt;1&gt;</title>\n"
                       "<line x1=\"0.0\" y1=\"0.0\" x2=\"10.0\" y2=\"10.0\" stroke=\"#000\" stroke-width=\"1\"/>\n"
                       "<circle cx=\"5.0\" cy=\"5.0\" r=\"2\" fill=\"red\"><title>tip &amp; more</title></circle>\n"
                       "</svg>\n");
}

TEST(Svg, ScaleTicksAreRound) {
  report::Scale s(0.95, 1.32, 0, 100);
  std::vector<double> ticks = s.ticks(4);
  std::vector<double> want = {1.0, 1.1, 1.2, 1.3};
  ASSERT_EQ(ticks.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(ticks[i], want[i], 1e-12);
  }
  EXPECT_DOUBLE_EQ(s(0.95), 0);
  EXPECT_DOUBLE_EQ(s(1.32), 100);
}
