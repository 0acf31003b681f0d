#include "cache/store.h"

#include "cache/schema.h"
#include "util/fs.h"

#include <fmt/format.h>

#include <algorithm>

namespace llmcc {

Expected<std::unique_ptr<Store>> Store::open(const std::string& path, Database::Mode mode,
                                             int busy_timeout_ms) {
  if (mode == Database::Mode::ReadWrite) {
    if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
      return Error{s.message()};
    }
  }
  auto db = Database::open(path, mode, busy_timeout_ms);
  if (!db) {
    return Error{db.error()};
  }
  return adopt(std::move(*db), mode);
}

Expected<std::unique_ptr<Store>> Store::adopt(std::unique_ptr<Database> db, Database::Mode mode) {
  const std::string& path = db->path();
  if (mode == Database::Mode::ReadWrite) {
    if (Status s = migrate(*db); !s) {
      return Error{fmt::format("database {}: {}", path, s.message())};
    }
  } else {
    auto v = schema_version(*db);
    if (!v) {
      return Error{v.error()};
    }
    if (*v != kSchemaVersion) {
      return Error{
          fmt::format("database {} has schema version {}, expected {}", path, *v, kSchemaVersion)};
    }
  }
  return std::unique_ptr<Store>(new Store(std::move(db))); // NOLINT: private constructor
}

Status Store::record(const std::optional<CapturedCommand>& command,
                     const std::map<std::string, int64_t>& counters) {
  Transaction tx(*m_db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  if (command) {
    Status s = m_db->run(
        "INSERT INTO commands(kind, output, cwd, source, argv_json, compiler, language,"
        " inputs_json, project_root, updated) VALUES(?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(kind, output) DO UPDATE SET cwd=excluded.cwd, source=excluded.source,"
        " argv_json=excluded.argv_json, compiler=excluded.compiler, language=excluded.language,"
        " inputs_json=excluded.inputs_json, project_root=excluded.project_root,"
        " updated=excluded.updated",
        command->kind, command->output, command->cwd, command->source,
        nlohmann::json(command->argv).dump(), command->compiler, command->language,
        nlohmann::json(command->inputs).dump(), command->project_root,
        command->updated ? command->updated : now_unix());
    if (!s) {
      return s;
    }
  }
  if (!counters.empty()) {
    auto st = m_db->prepare("INSERT INTO stats(name, count) VALUES(?, ?)"
                            " ON CONFLICT(name) DO UPDATE SET count = count + excluded.count");
    if (!st) {
      return Error{st.error()};
    }
    for (const auto& [name, n] : counters) {
      st->reset();
      if (Status s = st->bind_all(name, n).run(); !s) {
        return s;
      }
    }
  }
  return tx.commit();
}

Expected<std::optional<CompilerIdentity>> Store::find_compiler(const std::string& path,
                                                               long long mtime_ns, long long size) {
  auto st =
      m_db->query("SELECT id, family, version, target, binary_hash, version_text FROM compilers"
                  " WHERE path=? AND mtime_ns=? AND size=? LIMIT 1",
                  path, static_cast<int64_t>(mtime_ns), static_cast<int64_t>(size));
  if (!st) {
    return Error{st.error()};
  }
  return st->first_row<CompilerIdentity>([&](const Statement& r) {
    CompilerIdentity c;
    c.id = r.text(0);
    c.path = path;
    c.mtime_ns = mtime_ns;
    c.size = size;
    c.family = family_from_name(r.text(1));
    c.version = r.text(2);
    c.target = r.text(3);
    c.binary_hash = r.text(4);
    c.version_text = r.text(5);
    return c;
  });
}

Status Store::put_compiler(const CompilerIdentity& c) {
  return m_db->run(
      "INSERT OR REPLACE INTO compilers(id, path, mtime_ns, size, family, version, target,"
      " binary_hash, version_text, created) VALUES(?,?,?,?,?,?,?,?,?,?)",
      c.id, c.path, static_cast<int64_t>(c.mtime_ns), static_cast<int64_t>(c.size),
      family_name(c.family), c.version, c.target, c.binary_hash, c.version_text, now_unix());
}

namespace {

// true when the query has a row.
Expected<bool> any_row(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  return st->step();
}

} // namespace

Expected<bool> Store::has_winner_for_source(const std::string& compiler_id,
                                            const std::string& source_base) {
  return any_row(m_db->query("SELECT 1 FROM winners WHERE compiler_id=? AND source_base=? LIMIT 1",
                             compiler_id, source_base));
}

Expected<bool> Store::has_candidate_winner(const std::string& compiler_id,
                                           const std::string& host_fp, const std::string& hw_class,
                                           const std::string& source_base) {
  return any_row(m_db->query("SELECT 1 FROM winners WHERE compiler_id=? AND source_base=?"
                             " AND (host_fp=? OR hw_class=?) LIMIT 1",
                             compiler_id, source_base, host_fp, hw_class));
}

static const char* kWinnerColumns =
    "w.id, w.tu_key, w.source_rel, w.source_base, w.compiler_id, w.host_fp, w.hw_class, "
    "w.objective,"
    " c.json, w.baseline, w.best, w.speedup, w.speedup_low, w.speedup_high, w.session_id,"
    " w.rationale, w.origin, w.created FROM winners w JOIN configs c ON c.id = w.config_id";

// Reads a row of kWinnerColumns.
static Expected<WinnerRecord> winner_from_row(const Statement& st) {
  WinnerRecord w;
  w.id = st.integer(0);
  w.tu_key = st.text(1);
  w.source_rel = st.text(2);
  w.source_base = st.text(3);
  w.compiler_id = st.text(4);
  w.host_fp = st.text(5);
  w.hw_class = st.text(6);
  w.objective = st.text(7);
  auto cfg = TuneConfig::parse(st.text(8));
  if (!cfg) {
    return Error{"stored config is malformed: " + cfg.error().message};
  }
  w.config = *cfg;
  w.baseline = st.real(9);
  w.best = st.real(10);
  w.speedup = st.real(11);
  w.speedup_low = st.real(12);
  w.speedup_high = st.real(13);
  w.session_id = st.integer(14);
  w.rationale = st.text(15);
  w.origin = st.text(16);
  w.created = st.integer(17);
  return w;
}

static Expected<std::optional<WinnerRecord>> one_winner(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  return st->first_row<WinnerRecord>(winner_from_row);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_exact(const std::string& tu_key,
                                                               const std::string& compiler_id,
                                                               const std::string& host_fp) {
  return one_winner(m_db->query(std::string("SELECT ") + kWinnerColumns +
                                    " WHERE w.tu_key=? AND w.compiler_id=? AND w.host_fp=? ORDER "
                                    "BY w.created DESC, w.id DESC LIMIT 1",
                                tu_key, compiler_id, host_fp));
}

Expected<std::optional<WinnerRecord>> Store::find_winner_nearest(const std::string& source_rel,
                                                                 const std::string& compiler_id,
                                                                 const std::string& hw_class) {
  return one_winner(m_db->query(std::string("SELECT ") + kWinnerColumns +
                                    " WHERE w.source_rel=? AND w.compiler_id=? AND w.hw_class=? "
                                    "ORDER BY w.created DESC, w.id DESC LIMIT 1",
                                source_rel, compiler_id, hw_class));
}

Expected<std::map<std::string, int64_t>> Store::stats() {
  auto st = m_db->query("SELECT name, count FROM stats ORDER BY name");
  if (!st) {
    return Error{st.error()};
  }
  std::map<std::string, int64_t> out;
  if (Status s = st->each_row([&](const Statement& r) { out[r.text(0)] = r.integer(1); }); !s) {
    return Error{s.message()};
  }
  return out;
}

Status Store::reset_stats() {
  return m_db->exec("DELETE FROM stats");
}

Status Store::put_host(const std::string& fingerprint, const std::string& hw_class,
                       const nlohmann::json& info) {
  int64_t now = now_unix();
  return m_db->run(
      "INSERT INTO hosts(fingerprint, hw_class, info_json, first_seen, last_seen)"
      " VALUES(?,?,?,?,?) ON CONFLICT(fingerprint) DO UPDATE SET last_seen=excluded.last_seen,"
      " info_json=excluded.info_json",
      fingerprint, hw_class, info.dump(), now, now);
}

Expected<std::optional<std::string>> Store::find_native(const std::string& compiler_id,
                                                        const std::string& host_fp) {
  auto st = m_db->query("SELECT json FROM native_targets WHERE compiler_id=? AND host_fp=?",
                        compiler_id, host_fp);
  if (!st) {
    return Error{st.error()};
  }
  return st->first_row<std::string>([](const Statement& r) { return r.text(0); });
}

Status Store::put_native(const std::string& compiler_id, const std::string& host_fp,
                         const std::string& json) {
  return m_db->run(
      "INSERT OR REPLACE INTO native_targets(compiler_id, host_fp, json) VALUES(?,?,?)",
      compiler_id, host_fp, json);
}

Status Store::put_tu(const std::string& tu_key, const std::string& source_rel,
                     const std::string& compiler_id, const std::string& base_flags) {
  return m_db->run("INSERT OR IGNORE INTO tus(tu_key, source_rel, compiler_id, base_flags, created)"
                   " VALUES(?,?,?,?,?)",
                   tu_key, source_rel, compiler_id, base_flags, now_unix());
}

Expected<int64_t> Store::intern_config(const TuneConfig& config) {
  std::string canon = config.canonical();
  if (Status s = m_db->run("INSERT OR IGNORE INTO configs(canonical, json) VALUES(?, ?)", canon,
                           config.to_json().dump());
      !s) {
    return Error{s.message()};
  }
  auto st = m_db->query("SELECT id FROM configs WHERE canonical=?", canon);
  if (!st) {
    return Error{st.error()};
  }
  auto id = st->first_row<int64_t>([](const Statement& r) { return r.integer(0); });
  if (!id) {
    return Error{id.error()};
  }
  if (!*id) {
    return Error{"config vanished after insert"};
  }
  return **id;
}

Status Store::put_winner(const WinnerRecord& w) {
  auto cid = intern_config(w.config);
  if (!cid) {
    return Error{cid.error()};
  }
  return m_db->run(
      "INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class,"
      " objective, config_id, baseline, best, speedup, speedup_low, speedup_high, session_id,"
      " rationale, origin, created) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
      " ON CONFLICT(tu_key, compiler_id, host_fp, objective) DO UPDATE SET"
      " source_rel=excluded.source_rel, source_base=excluded.source_base,"
      " hw_class=excluded.hw_class, config_id=excluded.config_id, baseline=excluded.baseline,"
      " best=excluded.best, speedup=excluded.speedup, speedup_low=excluded.speedup_low,"
      " speedup_high=excluded.speedup_high, session_id=excluded.session_id,"
      " rationale=excluded.rationale, origin=excluded.origin, created=excluded.created",
      w.tu_key, w.source_rel, w.source_base, w.compiler_id, w.host_fp, w.hw_class, w.objective,
      *cid, w.baseline, w.best, w.speedup, w.speedup_low, w.speedup_high, w.session_id, w.rationale,
      w.origin, w.created ? w.created : now_unix());
}

Expected<std::vector<WinnerRecord>> Store::winners() {
  auto st =
      m_db->query(std::string("SELECT ") + kWinnerColumns + " ORDER BY w.source_rel, w.created");
  if (!st) {
    return Error{st.error()};
  }
  return st->all_rows<WinnerRecord>(winner_from_row);
}

Status Store::delete_winner(int64_t id) {
  return m_db->run("DELETE FROM winners WHERE id=?", id);
}

// Reads a row of kCommandColumns.
static Expected<CapturedCommand> command_from_row(const Statement& st) {
  CapturedCommand c;
  c.kind = st.text(0);
  c.output = st.text(1);
  c.cwd = st.text(2);
  c.source = st.text(3);
  try {
    c.argv = nlohmann::json::parse(st.text(4)).get<std::vector<std::string>>();
    std::string inputs = st.text(7);
    if (!inputs.empty()) {
      c.inputs = nlohmann::json::parse(inputs).get<std::vector<std::string>>();
    }
  } catch (const std::exception& e) {
    return Error{std::string("malformed captured command: ") + e.what()};
  }
  c.compiler = st.text(5);
  c.language = st.text(6);
  c.project_root = st.text(8);
  c.updated = st.integer(9);
  return c;
}

static const char* kCommandColumns = "kind, output, cwd, source, argv_json, compiler, language, "
                                     "inputs_json, project_root, updated FROM commands";

static Expected<std::vector<CapturedCommand>> all_commands(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  return st->all_rows<CapturedCommand>(command_from_row);
}

Expected<std::vector<CapturedCommand>> Store::commands(const std::string& kind) {
  return all_commands(m_db->query(
      std::string("SELECT ") + kCommandColumns + " WHERE kind=? ORDER BY output", kind));
}

Expected<std::optional<CapturedCommand>> Store::command_for_output(const std::string& kind,
                                                                   const std::string& output) {
  auto all = all_commands(m_db->query(
      std::string("SELECT ") + kCommandColumns + " WHERE kind=? AND output=?", kind, output));
  if (!all) {
    return Error{all.error()};
  }
  if (all->empty()) {
    return std::optional<CapturedCommand>();
  }
  return std::optional<CapturedCommand>(all->front());
}

Expected<std::vector<CapturedCommand>> Store::compiles_of_source(const std::string& source) {
  return all_commands(m_db->query(std::string("SELECT ") + kCommandColumns +
                                      " WHERE kind='compile' AND source=? ORDER BY updated DESC",
                                  source));
}

Expected<int64_t> Store::create_session(const std::string& build_dir, const nlohmann::json& args) {
  int64_t now = now_unix();
  if (Status s = m_db->run(
          "INSERT INTO sessions(state, build_dir, args_json, created, updated) VALUES(?,?,?,?,?)",
          to_string(SessionState::Running), build_dir, args.dump(), now, now);
      !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

Status Store::update_session(int64_t id, SessionState state, const nlohmann::json& summary) {
  return m_db->run("UPDATE sessions SET state=?, summary_json=?, updated=? WHERE id=?",
                   to_string(state), summary.dump(), now_unix(), id);
}

static const char* kSessionColumns =
    "id, state, build_dir, args_json, summary_json, created, updated FROM sessions";

// Reads a row of kSessionColumns.
static SessionRow session_from_row(const Statement& st) {
  SessionRow s;
  s.id = st.integer(0);
  s.state = session_state_from_string(st.text(1)).value_or(SessionState::Failed);
  s.build_dir = st.text(2);
  s.args = nlohmann::json::parse(st.text(3), nullptr, false);
  std::string summary = st.text(4);
  s.summary =
      summary.empty() ? nlohmann::json::object() : nlohmann::json::parse(summary, nullptr, false);
  s.created = st.integer(5);
  s.updated = st.integer(6);
  return s;
}

static Expected<std::optional<SessionRow>> one_session(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  return st->first_row<SessionRow>(session_from_row);
}

Expected<std::optional<SessionRow>> Store::session(int64_t id) {
  return one_session(m_db->query(std::string("SELECT ") + kSessionColumns + " WHERE id=?", id));
}

Expected<std::optional<SessionRow>> Store::latest_session(const std::string& build_dir) {
  return one_session(m_db->query(std::string("SELECT ") + kSessionColumns +
                                     " WHERE build_dir=? ORDER BY id DESC LIMIT 1",
                                 build_dir));
}

Expected<int64_t> Store::add_trial(const TrialRow& t) {
  auto cid = intern_config(t.config);
  if (!cid) {
    return Error{cid.error()};
  }
  if (Status s = m_db->run(
          "INSERT INTO trials(session_id, tu_key, source, config_id, planner, operator, verdict,"
          " detail, objective, score, samples_json, speedup, speedup_low, speedup_high, "
          "compile_sec,"
          " object_hash, created) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          t.session_id, t.tu_key, t.source, *cid, t.planner, t.op, to_string(t.verdict), t.detail,
          t.objective, t.score, t.samples.is_null() ? std::string("[]") : t.samples.dump(),
          t.speedup, t.speedup_low, t.speedup_high, t.compile_sec, t.object_hash,
          t.created ? t.created : now_unix());
      !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

static const char* kTrialColumns =
    "t.id, t.session_id, t.tu_key, t.source, c.json, t.planner, t.operator, t.verdict, t.detail,"
    " t.objective, t.score, t.samples_json, t.speedup, t.speedup_low, t.speedup_high, "
    "t.compile_sec,"
    " t.object_hash, t.created FROM trials t JOIN configs c ON c.id = t.config_id";

// Reads a row of kTrialColumns; nullopt for a row that is skipped, not fatal (a
// malformed stored config, a verdict this llmcc does not know).
static std::optional<TrialRow> trial_from_row(const Statement& row) {
  TrialRow t;
  t.id = row.integer(0);
  t.session_id = row.integer(1);
  t.tu_key = row.text(2);
  t.source = row.text(3);
  auto cfg = TuneConfig::parse(row.text(4));
  if (!cfg) {
    return std::nullopt;
  }
  t.config = *cfg;
  t.planner = row.text(5);
  t.op = row.text(6);
  auto verdict = verdict_from_string(row.text(7));
  if (!verdict) {
    return std::nullopt;
  }
  t.verdict = *verdict;
  t.detail = row.text(8);
  t.objective = row.text(9);
  auto opt = [&](int col) { return row.is_null(col) ? std::optional<double>() : row.real(col); };
  t.score = opt(10);
  t.samples = nlohmann::json::parse(row.text(11), nullptr, false);
  t.speedup = opt(12);
  t.speedup_low = opt(13);
  t.speedup_high = opt(14);
  t.compile_sec = row.real(15);
  t.object_hash = row.text(16);
  t.created = row.integer(17);
  return t;
}

static Expected<std::vector<TrialRow>> all_trials(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  std::vector<TrialRow> out;
  Status s = st->each_row([&](const Statement& row) {
    if (auto t = trial_from_row(row)) {
      out.push_back(std::move(*t));
    }
  });
  if (!s) {
    return Error{s.message()};
  }
  return out;
}

Expected<std::vector<TrialRow>> Store::trials(int64_t session_id) {
  return all_trials(m_db->query(
      std::string("SELECT ") + kTrialColumns + " WHERE t.session_id=? ORDER BY t.id", session_id));
}

Expected<std::vector<TrialRow>> Store::trials_for_tu(const std::string& tu_key) {
  return all_trials(m_db->query(
      std::string("SELECT ") + kTrialColumns + " WHERE t.tu_key=? ORDER BY t.id", tu_key));
}

} // namespace llmcc

namespace llmcc {

Expected<std::optional<std::vector<std::string>>> Store::probed_options(const std::string& key) {
  auto st = m_db->query("SELECT value FROM meta WHERE key=?", key);
  if (!st) {
    return Error{st.error()};
  }
  auto value = st->first_row<std::string>([](const Statement& r) { return r.text(0); });
  if (!value) {
    return Error{value.error()};
  }
  using Names = std::optional<std::vector<std::string>>;
  if (!*value) {
    return Names();
  }
  auto j = nlohmann::json::parse(**value, nullptr, false);
  if (!j.is_array() || !std::all_of(j.begin(), j.end(), [](const auto& e) { return e.is_string(); })) {
    return Names(); // probe again rather than trust a value this llmcc did not write
  }
  return Names(j.get<std::vector<std::string>>());
}

Status Store::put_probed_options(const std::string& key, const std::vector<std::string>& accepted) {
  return m_db->run("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", key,
                   nlohmann::json(accepted).dump());
}

static const char* kLlmCacheColumns = "prompt_hash, model, request_json, response_text, prompt_tokens,"
                                      " completion_tokens, created FROM llm_cache";

// Reads a row of kLlmCacheColumns.
static LlmCacheRow llm_cache_from_row(const Statement& st) {
  LlmCacheRow r;
  r.prompt_hash = st.text(0);
  r.model = st.text(1);
  r.request_json = st.text(2);
  r.response_text = st.text(3);
  r.prompt_tokens = st.is_null(4) ? 0 : st.integer(4);
  r.completion_tokens = st.is_null(5) ? 0 : st.integer(5);
  r.created = st.integer(6);
  return r;
}

Expected<std::optional<LlmCacheRow>> Store::llm_reply(const std::string& prompt_hash,
                                                      const std::string& model) {
  auto st = m_db->query(std::string("SELECT ") + kLlmCacheColumns + " WHERE prompt_hash=? AND model=?",
                        prompt_hash, model);
  if (!st) {
    return Error{st.error()};
  }
  return st->first_row<LlmCacheRow>(llm_cache_from_row);
}

Status Store::put_llm_reply(const LlmCacheRow& row) {
  return m_db->run("INSERT OR REPLACE INTO llm_cache(prompt_hash, model, request_json, response_text,"
                   " prompt_tokens, completion_tokens, created) VALUES(?,?,?,?,?,?,?)",
                   row.prompt_hash, row.model, row.request_json, row.response_text, row.prompt_tokens,
                   row.completion_tokens, row.created ? row.created : now_unix());
}

Expected<std::vector<LlmCacheRow>> Store::llm_replies() {
  auto st = m_db->query(std::string("SELECT ") + kLlmCacheColumns + " ORDER BY created, prompt_hash");
  if (!st) {
    return Error{st.error()};
  }
  return st->all_rows<LlmCacheRow>(llm_cache_from_row);
}

} // namespace llmcc
