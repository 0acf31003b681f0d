#include "cache/local/database.h"
#include "cache/local/schema.h"
#include "cache/local/spool.h"
#include "cache/local/store.h"
#include "tests/support/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

CapturedCommand compile_of(const std::string& src) {
  CapturedCommand c;
  c.kind = "compile";
  c.cwd = "/b";
  c.argv = {"/usr/bin/cc", "-O2", "-c", src, "-o", src + ".o"};
  c.compiler = "/usr/bin/cc";
  c.source = src;
  c.output = src + ".o";
  c.language = "c";
  return c;
}

WinnerRecord winner(const std::string& key, const std::string& rel, const std::string& host,
                    const std::string& cls) {
  WinnerRecord w;
  w.tu_key = key;
  w.source_rel = rel;
  w.source_base = std::filesystem::path(rel).filename();
  w.compiler_id = "gcc12";
  w.host_fp = host;
  w.hw_class = cls;
  w.config.opt_level = "-O3";
  w.config.options = {"-funroll-loops"};
  w.speedup = 1.2;
  return w;
}

} // namespace

TEST(Store, CreatesSchemaInWalMode) {
  TempDir d;
  auto s = Store::open(d.path() + "/sub/llmcc.db");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto db = Database::open(d.path() + "/sub/llmcc.db", Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto v = schema_version(**db);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, kSchemaVersion);
  auto st = (*db)->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0), "wal");
}

TEST(Store, RecordsCommandsAndCountersIdempotently) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->record(compile_of("/src/a.c"), {{"compile.plain", 1}}).ok());
  ASSERT_TRUE((*s)->record(compile_of("/src/a.c"), {{"compile.plain", 1}}).ok()); // a rebuild
  ASSERT_TRUE((*s)->record(std::nullopt, {{"passthrough.probe", 3}}).ok());
  auto compiles = (*s)->commands("compile");
  ASSERT_TRUE(compiles.ok());
  ASSERT_EQ(compiles->size(), 1u);
  EXPECT_EQ(compiles->front().argv.back(), "/src/a.c.o");
  auto stats = (*s)->stats();
  EXPECT_EQ((*stats)["compile.plain"], 2);
  EXPECT_EQ((*stats)["passthrough.probe"], 3);
}

TEST(Store, ExactThenNearestWinnerLookup) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->put_winner(winner("k1", "src/hot.c", "hostA", "x86_64/V/v3")).ok());
  EXPECT_TRUE(*(*s)->has_candidate_winner("gcc12", "hostA", "-", "hot.c"));
  EXPECT_TRUE(*(*s)->has_candidate_winner("gcc12", "hostB", "x86_64/V/v3", "hot.c"));
  EXPECT_FALSE(*(*s)->has_candidate_winner("gcc12", "hostB", "x86_64/V/v4", "hot.c"));
  EXPECT_FALSE(*(*s)->has_candidate_winner("clang14", "hostA", "x86_64/V/v3", "hot.c"));
  auto exact = (*s)->find_winner_exact("k1", "gcc12", "hostA");
  ASSERT_TRUE(exact.ok() && exact->has_value());
  EXPECT_EQ((*exact)->config.display(), "-O3 -funroll-loops");
  EXPECT_FALSE((*(*s)->find_winner_exact("k1", "gcc12", "hostB")).has_value());
  auto nearest = (*s)->find_winner_nearest("src/hot.c", "gcc12", "x86_64/V/v3");
  ASSERT_TRUE(nearest.ok() && nearest->has_value());
  EXPECT_EQ((*nearest)->tu_key, "k1");
  EXPECT_EQ((*nearest)->host_fp, "hostA");
  EXPECT_EQ((*nearest)->config.display(), "-O3 -funroll-loops");
  // Re-tuning replaces the winner rather than adding a second one.
  auto w = winner("k1", "src/hot.c", "hostA", "x86_64/V/v3");
  w.config.options = {"-fno-unroll-loops"};
  ASSERT_TRUE((*s)->put_winner(w).ok());
  EXPECT_EQ((*s)->winners()->size(), 1u);
}

TEST(Store, NearestWinnerIsTheNewestOfTheSameClassSourceAndCompiler) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  auto put = [&](const std::string& key, const std::string& rel, const std::string& host,
                 const std::string& cls, int64_t created, const std::string& option,
                 const std::string& compiler = "gcc12") {
    auto w = winner(key, rel, host, cls);
    w.compiler_id = compiler;
    w.created = created;
    w.config.options = {option};
    ASSERT_TRUE((*s)->put_winner(w).ok());
  };
  put("k1", "src/hot.c", "hostA", "x86_64/V/v3", 100, "-funroll-loops");
  put("k2", "src/hot.c", "hostB", "x86_64/V/v3", 200, "-fpeel-loops");
  put("k3", "src/hot.c", "hostE", "x86_64/V/v3", 200, "-ftree-vectorize"); // same age, stored later
  put("k4", "src/hot.c", "hostC", "x86_64/V/v4", 300, "-fno-inline");      // another class
  put("k5", "lib/hot.c", "hostD", "x86_64/V/v3", 400, "-fno-inline");      // another source
  put("k6", "src/hot.c", "hostF", "x86_64/V/v3", 500, "-fno-inline", "clang14");
  auto nearest = (*s)->find_winner_nearest("src/hot.c", "gcc12", "x86_64/V/v3");
  ASSERT_TRUE(nearest.ok()) << nearest.error().message;
  ASSERT_TRUE(nearest->has_value());
  EXPECT_EQ((*nearest)->tu_key, "k3");
  EXPECT_EQ((*nearest)->host_fp, "hostE");
  EXPECT_EQ((*nearest)->created, 200);
  EXPECT_EQ((*nearest)->config.display(), "-O3 -ftree-vectorize");
  auto other = (*s)->find_winner_nearest("src/hot.c", "gcc12", "x86_64/V/v4");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->tu_key, "k4");
  EXPECT_FALSE((*(*s)->find_winner_nearest("src/hot.c", "gcc12", "x86_64/V/v2")).has_value());
}

TEST(Store, SessionStatesAndVerdictsRoundTrip) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  auto id = (*s)->create_session("/b", nlohmann::json::object());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ((*(*s)->session(*id))->state, SessionState::Running);
  ASSERT_TRUE((*s)->update_session(*id, SessionState::DryRun,
                                   {{"done_sources", nlohmann::json::array({"a.c"})}})
                  .ok());
  auto row = (*s)->latest_session("/b");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->state, SessionState::DryRun);
  EXPECT_EQ((*row)->summary["done_sources"][0], "a.c");
  TrialRow t;
  t.session_id = *id;
  t.tu_key = "tu";
  t.source = "a.c";
  t.planner = "builtin";
  t.op = "mutate";
  t.objective = "time";
  for (Verdict v : {Verdict::Ok, Verdict::BaselineFailed, Verdict::NotConfirmed}) {
    t.verdict = v;
    ASSERT_TRUE((*s)->add_trial(t).ok());
  }
  auto trials = (*s)->trials(*id);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ(trials->size(), 3u);
  EXPECT_EQ((*trials)[0].verdict, Verdict::Ok);
  EXPECT_EQ((*trials)[1].verdict, Verdict::BaselineFailed);
  EXPECT_EQ((*trials)[2].verdict, Verdict::NotConfirmed);
  // The text in the database is the stable spelling.
  auto db = Database::open(d.path() + "/llmcc.tuning.db", Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->prepare("SELECT verdict FROM trials ORDER BY id");
  ASSERT_TRUE(st.ok());
  std::vector<std::string> stored;
  ASSERT_TRUE(st->each_row([&](const Statement& r) { stored.push_back(r.text(0)); }).ok());
  EXPECT_EQ(stored, (std::vector<std::string>{"ok", "baseline_failed", "not_confirmed"}));
  auto state = (*db)->prepare("SELECT state FROM sessions");
  ASSERT_TRUE(state.ok() && *state->step());
  EXPECT_EQ(state->text(0), "dry-run");
}

TEST(Store, UnknownVerdictsAndStatesDoNotCrash) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  auto id = (*s)->create_session("/b", nlohmann::json::object());
  ASSERT_TRUE(id.ok());
  TrialRow t;
  t.session_id = *id;
  t.tu_key = "tu";
  t.verdict = Verdict::Crash;
  ASSERT_TRUE((*s)->add_trial(t).ok());
  ASSERT_TRUE((*s)->add_trial(t).ok());
  // What a newer llmcc might have written.
  auto db = Database::open(d.path() + "/llmcc.tuning.db", Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("UPDATE trials SET verdict='from_the_future' WHERE id=1").ok());
  ASSERT_TRUE((*db)->exec("UPDATE sessions SET state='paused'").ok());
  auto trials = (*s)->trials(*id);
  ASSERT_TRUE(trials.ok()) << trials.error().message;
  ASSERT_EQ(trials->size(), 1u); // the unreadable trial is left out
  EXPECT_EQ(trials->front().id, 2);
  EXPECT_EQ(trials->front().verdict, Verdict::Crash);
  auto session = (*s)->session(*id);
  ASSERT_TRUE(session.ok() && session->has_value());
  EXPECT_EQ((*session)->state, SessionState::Failed); // resumable, never taken for done
}

TEST(Store, ProbedOptionsAreKeptByKey) {
  TempDir d;
  std::string path = d.path() + "/llmcc.db";
  {
    auto s = Store::open(path);
    ASSERT_TRUE(s.ok());
    EXPECT_FALSE((*(*s)->probed_options("probe:cc1:abc")).has_value());
    ASSERT_TRUE((*s)->put_probed_options("probe:cc1:abc", {"-funroll-loops", "-fpeel-loops"}).ok());
    ASSERT_TRUE((*s)->put_probed_options("probe:cc1:empty", {}).ok());
  }
  auto s = Store::open(path);
  auto got = (*s)->probed_options("probe:cc1:abc");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, (std::vector<std::string>{"-funroll-loops", "-fpeel-loops"}));
  auto empty = (*s)->probed_options("probe:cc1:empty");
  ASSERT_TRUE(empty.ok() && empty->has_value()); // probed, nothing accepted: still an answer
  EXPECT_TRUE((*empty)->empty());
  EXPECT_FALSE((*(*s)->probed_options("probe:cc2:abc")).has_value());
  // The stored format is a JSON list in meta (in the tuning file since main
  // schema 9), as older llmcc versions wrote it.
  auto db = Database::open(tuning_db_path(path), Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->prepare("SELECT value FROM meta WHERE key='probe:cc1:abc'");
  ASSERT_TRUE(st.ok() && *st->step());
  EXPECT_EQ(st->text(0), R"(["-funroll-loops","-fpeel-loops"])");
  ASSERT_TRUE((*db)
                  ->exec(R"(INSERT INTO meta(key, value) VALUES('probe:bad1', '{"a":1}'),)"
                         R"(('probe:bad2', '[1,2]'), ('probe:bad3', 'not json'))")
                  .ok());
  for (const char* bad : {"probe:bad1", "probe:bad2", "probe:bad3"}) {
    auto r = (*s)->probed_options(bad);
    ASSERT_TRUE(r.ok()) << bad;
    EXPECT_FALSE(r->has_value()) << bad; // probe again
  }
}

TEST(Store, LlmRepliesAreCachedByPromptAndModel) {
  TempDir d;
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE((*(*s)->llm_reply("h1", "m")).has_value());
  LlmCacheRow r;
  r.prompt_hash = "h1";
  r.model = "m";
  r.request_json = R"({"model":"m"})";
  r.response_text = "first";
  r.prompt_tokens = 10;
  r.completion_tokens = 20;
  ASSERT_TRUE((*s)->put_llm_reply(r).ok());
  r.response_text = "second"; // a fresh reply replaces the cached one
  ASSERT_TRUE((*s)->put_llm_reply(r).ok());
  LlmCacheRow other = r; // the hash covers the model: another model, another hash
  other.prompt_hash = "h2";
  other.model = "m2";
  other.response_text = "other model";
  ASSERT_TRUE((*s)->put_llm_reply(other).ok());
  auto got = (*s)->llm_reply("h1", "m");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->response_text, "second");
  EXPECT_EQ((*got)->request_json, R"({"model":"m"})");
  EXPECT_EQ((*got)->prompt_tokens, 10);
  EXPECT_EQ((*got)->completion_tokens, 20);
  EXPECT_GT((*got)->created, 0);
  EXPECT_EQ((*(*s)->llm_reply("h2", "m2"))->response_text, "other model");
  EXPECT_FALSE((*(*s)->llm_reply("h1", "m2")).has_value()); // the model must match too
  EXPECT_FALSE((*(*s)->llm_reply("h3", "m")).has_value());
  auto all = (*s)->llm_replies();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST(Store, CorruptFileIsAnErrorNotACrash) {
  TempDir d;
  std::ofstream(d.path() + "/llmcc.db") << std::string(4096, 'x');
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a database"), std::string::npos) << s.error().message;
}

TEST(Store, NewerSchemaIsRefusedAndKept) {
  TempDir d;
  {
    auto s = Store::open(d.path() + "/llmcc.db");
    ASSERT_TRUE(s.ok());
    auto db = Database::open(d.path() + "/llmcc.db", Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->exec("PRAGMA user_version = 999").ok());
  }
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

TEST(Store, FullDatabaseFailsTheWriteCleanly) {
  TempDir d;
  ASSERT_TRUE(Store::open(d.path() + "/llmcc.db").ok()); // creates the schema
  auto db = Database::open(d.path() + "/llmcc.db", Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok()) << db.error().message;
  // What a full disk looks like to SQLite: no page can be added. The limit is
  // the connection's, so the store is given this connection.
  auto pages = (*db)->prepare("PRAGMA page_count");
  ASSERT_TRUE(*pages->step());
  ASSERT_TRUE((*db)->exec("PRAGMA max_page_count = " + std::to_string(pages->integer(0))).ok());
  auto s = Store::adopt(std::move(*db));
  ASSERT_TRUE(s.ok()) << s.error().message;
  Status st = Status::success();
  // The migrations to the current schema leave free pages (dropped and rebuilt
  // tables): the first records fill those.
  for (int i = 0; i < 5000 && st.ok(); ++i) {
    st = (*s)->record(compile_of("/src/file_with_a_long_name_" + std::to_string(i) + ".c"),
                      {{"compile.plain", 1}});
  }
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("full"), std::string::npos) << st.message();
}

TEST(Spool, RecordsWaitInFilesAndAreIngestedOnce) {
  TempDir d;
  std::string spool = d.path() + "/spool";
  ASSERT_TRUE(
      spool_record(spool, compile_of("/src/b.c"), {{"compile.plain", 1}, {"capture.spooled", 1}})
          .ok());
  ASSERT_TRUE(spool_record(spool, std::nullopt, {{"passthrough.probe", 1}}).ok());
  std::ofstream(spool + "/garbage.json") << "{not json";
  auto s = Store::open(d.path() + "/llmcc.db");
  ASSERT_TRUE(s.ok());
  SpoolIngest in = ingest_spool(**s, spool);
  EXPECT_EQ(in.ingested, 2);
  EXPECT_EQ(in.malformed, 1);
  EXPECT_TRUE(std::filesystem::exists(spool + "/bad/garbage.json")); // kept, not deleted
  EXPECT_EQ(ingest_spool(**s, spool).ingested, 0);
  EXPECT_EQ((*(*s)->stats())["compile.plain"], 1);
  EXPECT_EQ((*s)->commands("compile")->size(), 1u);
}

TEST(Store, ManyWritersFromThreadsLoseNothing) {
  TempDir d;
  std::string path = d.path() + "/llmcc.db";
  ASSERT_TRUE(Store::open(path).ok());
  std::vector<std::thread> threads;
  std::atomic<int> spooled{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto s = Store::open(path, Database::Mode::ReadWrite, Store::kCompileBusyTimeoutMs);
        auto cmd = compile_of("/src/t" + std::to_string(t) + "_" + std::to_string(i) + ".c");
        if (!s.ok() || !(*s)->record(cmd, {{"compile.plain", 1}}).ok()) {
          ASSERT_TRUE(spool_record(d.path() + "/spool", cmd, {{"compile.plain", 1}}).ok());
          ++spooled;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  auto s = Store::open(path);
  ingest_spool(**s, d.path() + "/spool");
  EXPECT_EQ((*s)->commands("compile")->size(), 320u);
  EXPECT_EQ((*(*s)->stats())["compile.plain"], 320);
}

namespace {

int64_t count_rows(Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st || !*st->step()) {
    return -1;
  }
  return st->integer(0);
}

// A database as llmcc wrote it while everything was in one file, with a session,
// two trials, a winner, a profile, an LLM reply and a host.
void write_single_file_database(const std::string& path) {
  auto db = Database::open(path, Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_TRUE(migrate_to(**db, kSingleFileSchemaVersion).ok());
  ASSERT_TRUE((*db)->exec(R"sql(
INSERT INTO configs(id, canonical, json) VALUES(1, '-O3', '{"opt":"-O3"}');
INSERT INTO sessions(id, state, build_dir, args_json, created, updated) VALUES(7, 'done', '/b', '{}', 1, 2);
INSERT INTO trials(id, session_id, tu_key, source, config_id, planner, operator, verdict, objective, score, created,
  run_sec) VALUES(1, 7, 'tu1', '/b/a.c', 1, 'builtin', 'seed', 'ok', 'time', 1.5, 3, 0.25),
  (2, 7, 'tu1', '/b/a.c', 1, 'builtin', 'seed', 'crash', 'time', NULL, 4, 0);
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective, config_id,
  speedup, origin, created) VALUES('tu1', 'a.c', 'a.c', 'gcc12', 'h1', 'c1', 'time', 1, 1.3, 'local', 5);
INSERT INTO profiles(hash, tu_key, bench_id, family, path, size, created) VALUES('p1', 'tu1', 'b', 'gcc', '/p', 9, 6);
INSERT INTO llm_cache(prompt_hash, model, request_json, response_text, created) VALUES('q1', 'm', '{}', 'r', 7);
INSERT INTO hosts(fingerprint, hw_class, info_json, first_seen, last_seen) VALUES('h1', 'c1', '{}', 1, 2);
INSERT INTO native_targets(compiler_id, host_fp, json) VALUES('gcc12', 'h1', '{}');
)sql")
                  .ok());
}

} // namespace

TEST(TuningDatabase, NameSitsBesideTheMainFile) {
  EXPECT_EQ(tuning_db_path("/s/llmcc.db"), "/s/llmcc.tuning.db");
  EXPECT_EQ(tuning_db_path("/s/state"), "/s/state.tuning.db");
  EXPECT_EQ(tuning_db_path(":memory:"), ":memory:");
}

TEST(TuningDatabase, SingleFileDatabaseIsMovedWithNothingLostAndReopensIdempotently) {
  TempDir d;
  const std::string path = d.path() + "/llmcc.db";
  write_single_file_database(path);
  for (int round = 0; round < 2; ++round) {
    auto s = Store::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto trials = (*s)->trials(7);
    ASSERT_TRUE(trials.ok()) << trials.error().message;
    ASSERT_EQ(trials->size(), 2u);
    EXPECT_EQ((*trials)[0].id, 1);
    EXPECT_EQ((*trials)[0].config.display(), "-O3");
    EXPECT_EQ((*trials)[0].run_sec, 0.25);
    EXPECT_EQ((*trials)[1].verdict, Verdict::Crash);
    auto session = (*s)->session(7);
    ASSERT_TRUE(session.ok() && *session);
    EXPECT_EQ((*session)->state, SessionState::Done);
    auto winners = (*s)->winners();
    ASSERT_TRUE(winners.ok());
    ASSERT_EQ(winners->size(), 1u);
    EXPECT_EQ(winners->front().tu_key, "tu1");
    auto profile = (*s)->profile("p1");
    ASSERT_TRUE(profile.ok() && *profile);
    EXPECT_EQ((*profile)->size, 9);
    auto reply = (*s)->llm_reply("q1", "m");
    ASSERT_TRUE(reply.ok() && *reply);
    EXPECT_EQ((*reply)->response_text, "r");
    auto host = (*s)->host("h1");
    ASSERT_TRUE(host.ok() && *host);
    auto native = (*s)->find_native("gcc12", "h1");
    ASSERT_TRUE(native.ok() && *native);
    EXPECT_EQ((*s)->trial_count("tu1").value_or(-1), 2);
  }
  // The main file keeps only what the compile path reads.
  auto main = Database::open(path, Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(main.ok());
  EXPECT_EQ(count_rows(**main, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN ('trials',"
                               "'sessions','llm_cache','profiles','hosts','native_targets')"),
            0);
  EXPECT_EQ(count_rows(**main, "PRAGMA user_version"), kSchemaVersion);
  auto tuning = Database::open(d.path() + "/llmcc.tuning.db", Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(tuning.ok());
  EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM trials"), 2);
  EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(count_rows(**tuning, "PRAGMA user_version"), kTuningSchemaVersion);
}

TEST(TuningDatabase, CompilePathNeverOpensIt) {
  TempDir d;
  const std::string path = d.path() + "/llmcc.db";
  ASSERT_TRUE(Store::open(path).ok());
  // A broken tuning file: the compile path's calls do not notice it...
  { std::ofstream(d.path() + "/llmcc.tuning.db", std::ios::trunc) << std::string(8192, 'x'); }
  auto s = Store::open(path, Database::Mode::ReadWrite, Store::kCompileBusyTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE((*s)->record(compile_of("/src/a.c"), {{"compile.plain", 1}}).ok());
  ASSERT_TRUE((*s)->put_winner(winner("k", "a.c", "h", "c")).ok());
  auto found = (*s)->find_winner_exact("k", "gcc12", "h");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_TRUE((*s)->has_winner_for_source("gcc12", "a.c").value_or(false));
  // ...and every tuner call names the file.
  auto id = (*s)->create_session("/b", nlohmann::json::object());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().message,
            "tuning database " + d.path() + "/llmcc.tuning.db: file is not a database (code 26)");
  Status again = (*s)->open_tuning();
  EXPECT_EQ(again.message(), id.error().message);
  std::ifstream in(d.path() + "/llmcc.tuning.db");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string(8192, 'x')); // untouched
}

TEST(TuningDatabase, VersionOneFileGainsTheRejectionsTableWithNothingLost) {
  TempDir d;
  const std::string path = d.path() + "/llmcc.db";
  {
    // As llmcc wrote it before rejections: main schema 8, tuning schema 1, one trial.
    auto db = Database::open(path, Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(attach_tuning(**db, tuning_db_path(path), Database::Mode::ReadWrite, 1).ok());
    ASSERT_TRUE(migrate_to(**db, 8).ok());
    ASSERT_TRUE((*db)->exec(R"sql(
INSERT INTO configs(id, canonical, json) VALUES(1, '-O3', '{"opt":"-O3"}');
INSERT INTO tuning.sessions(id, state, build_dir, args_json, created, updated) VALUES(7, 'done', '/b', '{}', 1, 2);
INSERT INTO tuning.trials(id, session_id, tu_key, source, config_id, planner, operator, verdict, objective, created)
  VALUES(1, 7, 'tu1', '/b/a.c', 1, 'builtin', 'seed', 'ok', 'time', 3);
)sql")
                    .ok());
  }
  {
    auto tuning = Database::open(tuning_db_path(path), Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
    ASSERT_TRUE(tuning.ok());
    EXPECT_EQ(count_rows(**tuning, "PRAGMA user_version"), 1);
    EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM sqlite_master WHERE name='rejections'"), 0);
  }
  WinnerRecord w = winner("tu1", "a.c", "h1", "c1");
  for (int round = 0; round < 2; ++round) {
    auto s = Store::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ((*s)->trial_count("tu1").value_or(-1), 1);
    auto none = (*s)->rejections();
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_EQ(none->size(), static_cast<size_t>(round));
    if (round == 0) {
      ASSERT_TRUE((*s)->put_rejection(rejection_of(w, 0.98, 0.97, 0.99, "does not hold", 7, 50)).ok());
    }
  }
  auto s = Store::open(path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  // The same winner from another host of the class matches; another config, class or objective does not.
  WinnerRecord elsewhere = w;
  elsewhere.host_fp = "h2";
  auto hit = (*s)->rejection_matching(elsewhere);
  ASSERT_TRUE(hit.ok() && *hit);
  EXPECT_EQ((*hit)->source_rel, "a.c");
  EXPECT_EQ((*hit)->source_base, "a.c");
  EXPECT_EQ((*hit)->config.display(), "-O3 -funroll-loops");
  EXPECT_EQ((*hit)->speedup_low.value_or(0), 0.97);
  EXPECT_EQ((*hit)->reason, "does not hold");
  EXPECT_EQ((*hit)->session_id, 7);
  EXPECT_EQ((*hit)->created, 50);
  WinnerRecord other_config = w, other_class = w, other_objective = w;
  other_config.config.options = {"-fpeel-loops"};
  other_class.hw_class = "c2";
  other_objective.objective = "instructions";
  for (const auto& miss : {other_config, other_class, other_objective}) {
    auto m = (*s)->rejection_matching(miss);
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(*m);
  }
  // A failed re-measurement has no numbers; the record keeps none.
  ASSERT_TRUE((*s)->put_rejection(rejection_of(other_config, std::nullopt, std::nullopt, std::nullopt,
                                               "fails on this machine (it does not build)", 8, 60))
                  .ok());
  auto both = (*s)->rejections_for_tu("tu1");
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_FALSE((*both)[1].speedup);
  ASSERT_TRUE((*s)->clear_rejection(elsewhere).ok());
  EXPECT_EQ((*s)->rejections().value_or({}).size(), 1u);
  ASSERT_TRUE((*s)->clear_rejections_for_tu("tu1").ok());
  EXPECT_EQ((*s)->rejections().value_or({}).size(), 0u);
  auto tuning = Database::open(tuning_db_path(path), Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(tuning.ok());
  EXPECT_EQ(count_rows(**tuning, "PRAGMA user_version"), kTuningSchemaVersion);
  EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM trials"), 1);
  // The compile path's file stays as it was: the table is the tools' alone.
  auto main = Database::open(path, Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(main.ok());
  EXPECT_EQ(count_rows(**main, "PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(count_rows(**main, "SELECT COUNT(*) FROM sqlite_master WHERE name='rejections'"), 0);
}

TEST(TuningDatabase, SchemaEightMovesMetaAndTusOutAndKeepsEveryRow) {
  TempDir d;
  const std::string path = d.path() + "/llmcc.db";
  {
    // As llmcc wrote it before this step: main schema 8, tuning schema 2.
    auto db = Database::open(path, Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(attach_tuning(**db, tuning_db_path(path), Database::Mode::ReadWrite, 2).ok());
    ASSERT_TRUE(migrate_to(**db, 8).ok());
    ASSERT_TRUE((*db)->exec(R"sql(
INSERT INTO meta(key, value) VALUES('store_id', 'kept'), ('probe:cc1:abc', '["-funroll-loops"]');
INSERT INTO tus(tu_key, source_rel, compiler_id, base_flags, features_json, created, feature_schema)
  VALUES('tu1', 'src/a.c', 'gcc12', '-O2', '{"extractor":"gcc-plugin"}', 5, 3);
INSERT INTO compilers(id, path, mtime_ns, size, family, version, target, binary_hash, version_text, created)
  VALUES('gcc12', '/usr/bin/gcc-12', 11, 22, 'gcc', '12.2.0', 'x86_64-linux-gnu', 'ab', 'gcc 12', 1);
INSERT INTO stats(name, count) VALUES('compile.plain', 41), ('link', 2);
INSERT INTO configs(id, canonical, json) VALUES(1, '-O3', '{"opt":"-O3","options":[],"pipeline":""}');
INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class, objective, config_id, created)
  VALUES('tu1', 'src/a.c', 'a.c', 'gcc12', 'h1', 'c1', 'time', 1, 9);
)sql")
                    .ok());
  }
  for (int round = 0; round < 2; ++round) { // the second open finds nothing to do
    auto s = Store::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto c = (*s)->find_compiler("/usr/bin/gcc-12", 11, 22);
    ASSERT_TRUE(c.ok() && *c);
    EXPECT_EQ((*c)->id, "gcc12");
    EXPECT_EQ((*c)->version, "12.2.0");
    auto stats = (*s)->stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->at("compile.plain"), 41 + round);
    ASSERT_TRUE((*s)->record(std::nullopt, {{"compile.plain", 1}}).ok());
    EXPECT_EQ((*s)->stats()->at("compile.plain"), 42 + round);
    auto probed = (*s)->probed_options("probe:cc1:abc");
    ASSERT_TRUE(probed.ok() && *probed);
    EXPECT_EQ(**probed, std::vector<std::string>{"-funroll-loops"});
    auto features = (*s)->features("tu1", 3);
    ASSERT_TRUE(features.ok() && *features);
    EXPECT_EQ((*features)->family, "gcc"); // the join across the two files
    EXPECT_EQ((*features)->extractor, "gcc-plugin");
    auto exact = (*s)->winner_config_exact("tu1", "gcc12", "h1");
    ASSERT_TRUE(exact.ok() && *exact);
    EXPECT_EQ((*exact)->display(), "-O3");
    auto nearest = (*s)->winner_config_nearest("src/a.c", "gcc12", "c1");
    ASSERT_TRUE(nearest.ok() && *nearest);
    EXPECT_TRUE((*s)->has_candidate_winner("gcc12", "h9", "c1", "a.c").value_or(false));
  }
  auto main = Database::open(path, Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(main.ok());
  EXPECT_EQ(count_rows(**main, "PRAGMA user_version"), kSchemaVersion);
  // What every compile parses: five tables, five indexes (two tables are their own key).
  EXPECT_EQ(count_rows(**main, "SELECT COUNT(*) FROM sqlite_master WHERE type='table'"), 5);
  EXPECT_EQ(count_rows(**main, "SELECT COUNT(*) FROM sqlite_master WHERE type='index'"), 5);
  EXPECT_EQ(count_rows(**main, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('meta', 'tus', "
                               "'compilers_by_path', 'winners_by_path', 'compilers_v9', 'stats_v9')"),
            0);
  auto tuning = Database::open(tuning_db_path(path), Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
  ASSERT_TRUE(tuning.ok());
  EXPECT_EQ(count_rows(**tuning, "PRAGMA user_version"), kTuningSchemaVersion);
  EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM meta"), 2);
  EXPECT_EQ(count_rows(**tuning, "SELECT COUNT(*) FROM tus WHERE base_flags='-O2' AND feature_schema=3"), 1);
}

TEST(StoreId, KeptPerDatabaseAndNewForACopyElsewhere) {
  TempDir d;
  std::string first;
  {
    auto s = Store::open(d.path() + "/a/llmcc.db");
    ASSERT_TRUE(s);
    auto id = (*s)->store_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(id->size(), 16u);
    EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos);
    first = *id;
    // Asked again: the same one, not a new one per call.
    EXPECT_EQ(*(*s)->store_id(), first);
  }
  {
    auto s = Store::open(d.path() + "/a/llmcc.db");
    ASSERT_TRUE(s);
    EXPECT_EQ(*(*s)->store_id(), first);
  }
  auto other = Store::open(d.path() + "/b/llmcc.db");
  ASSERT_TRUE(other);
  EXPECT_NE(*(*other)->store_id(), first);
  // A state directory copied elsewhere is another pusher: it gets its own id.
  std::filesystem::copy(d.path() + "/a", d.path() + "/copy");
  std::string copied;
  {
    auto s = Store::open(d.path() + "/copy/llmcc.db");
    ASSERT_TRUE(s);
    copied = *(*s)->store_id();
    EXPECT_NE(copied, first);
    EXPECT_EQ(*(*s)->store_id(), copied);
  }
  auto again = Store::open(d.path() + "/a/llmcc.db");
  ASSERT_TRUE(again);
  EXPECT_EQ(*(*again)->store_id(), first);
}
