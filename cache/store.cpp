#include "cache/store.h"

#include <fmt/format.h>

#include "cache/schema.h"
#include "util/fs.h"

namespace llmcc {

#define TRY_PREPARE(var, sql)                                                                      \
  auto var##_e = m_db->prepare(sql);                                                               \
  if (!var##_e) {                                                                                  \
    return Error{var##_e.error()};                                                                 \
  }                                                                                                \
  Statement& var = *var##_e

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
  if (mode == Database::Mode::ReadWrite) {
    if (Status s = migrate(**db); !s) {
      return Error{fmt::format("database {}: {}", path, s.message())};
    }
  } else {
    auto v = schema_version(**db);
    if (!v) {
      return Error{v.error()};
    }
    if (*v != kSchemaVersion) {
      return Error{fmt::format("database {} has schema version {}, expected {}", path, *v, kSchemaVersion)};
    }
  }
  return std::unique_ptr<Store>(new Store(std::move(*db))); // NOLINT: private constructor
}

Status Store::record(const std::optional<CapturedCommand>& command,
                     const std::map<std::string, int64_t>& counters) {
  Transaction tx(*m_db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  if (command) {
    TRY_PREPARE(st, "INSERT INTO commands(kind, output, cwd, source, argv_json, compiler, language,"
                    " inputs_json, project_root, updated) VALUES(?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(kind, output) DO UPDATE SET cwd=excluded.cwd, source=excluded.source,"
                    " argv_json=excluded.argv_json, compiler=excluded.compiler, language=excluded.language,"
                    " inputs_json=excluded.inputs_json, project_root=excluded.project_root,"
                    " updated=excluded.updated");
    st.bind(1, command->kind)
        .bind(2, command->output)
        .bind(3, command->cwd)
        .bind(4, command->source)
        .bind(5, nlohmann::json(command->argv).dump())
        .bind(6, command->compiler)
        .bind(7, command->language)
        .bind(8, nlohmann::json(command->inputs).dump())
        .bind(9, command->project_root)
        .bind(10, command->updated ? command->updated : now_unix());
    if (Status s = st.run(); !s) {
      return s;
    }
  }
  if (!counters.empty()) {
    TRY_PREPARE(st, "INSERT INTO stats(name, count) VALUES(?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET count = count + excluded.count");
    for (const auto& [name, n] : counters) {
      st.reset();
      st.bind(1, name).bind(2, n);
      if (Status s = st.run(); !s) {
        return s;
      }
    }
  }
  return tx.commit();
}

Expected<std::optional<CompilerIdentity>> Store::find_compiler(const std::string& path, long long mtime_ns,
                                                               long long size) {
  TRY_PREPARE(st, "SELECT id, family, version, target, binary_hash, version_text FROM compilers"
                  " WHERE path=? AND mtime_ns=? AND size=? LIMIT 1");
  st.bind(1, path).bind(2, static_cast<int64_t>(mtime_ns)).bind(3, static_cast<int64_t>(size));
  return st.first_row<CompilerIdentity>([&](const Statement& r) {
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
  TRY_PREPARE(st, "INSERT OR REPLACE INTO compilers(id, path, mtime_ns, size, family, version, target,"
                  " binary_hash, version_text, created) VALUES(?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, c.id)
      .bind(2, c.path)
      .bind(3, static_cast<int64_t>(c.mtime_ns))
      .bind(4, static_cast<int64_t>(c.size))
      .bind(5, std::string(family_name(c.family)))
      .bind(6, c.version)
      .bind(7, c.target)
      .bind(8, c.binary_hash)
      .bind(9, c.version_text)
      .bind(10, now_unix());
  return st.run();
}

Expected<bool> Store::has_winner_for_source(const std::string& compiler_id, const std::string& source_base) {
  TRY_PREPARE(st, "SELECT 1 FROM winners WHERE compiler_id=? AND source_base=? LIMIT 1");
  st.bind(1, compiler_id).bind(2, source_base);
  auto row = st.step();
  if (!row) {
    return Error{row.error()};
  }
  return *row;
}

Expected<bool> Store::has_candidate_winner(const std::string& compiler_id, const std::string& host_fp,
                                           const std::string& hw_class, const std::string& source_base) {
  TRY_PREPARE(st, "SELECT 1 FROM winners WHERE compiler_id=? AND source_base=?"
                  " AND (host_fp=? OR hw_class=?) LIMIT 1");
  st.bind(1, compiler_id).bind(2, source_base).bind(3, host_fp).bind(4, hw_class);
  auto row = st.step();
  if (!row) {
    return Error{row.error()};
  }
  return *row;
}

static const char* kWinnerColumns =
    "w.id, w.tu_key, w.source_rel, w.source_base, w.compiler_id, w.host_fp, w.hw_class, w.objective,"
    " c.json, w.baseline, w.best, w.speedup, w.speedup_low, w.speedup_high, w.session_id,"
    " w.rationale, w.origin, w.created FROM winners w JOIN configs c ON c.id = w.config_id";

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

Expected<std::optional<WinnerRecord>> Store::one_winner(Statement& st) {
  return st.first_row<WinnerRecord>(winner_from_row);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_exact(const std::string& tu_key,
                                                               const std::string& compiler_id,
                                                               const std::string& host_fp) {
  TRY_PREPARE(st, std::string("SELECT ") + kWinnerColumns +
                      " WHERE w.tu_key=? AND w.compiler_id=? AND w.host_fp=? ORDER BY w.created DESC, w.id DESC LIMIT 1");
  st.bind(1, tu_key).bind(2, compiler_id).bind(3, host_fp);
  return one_winner(st);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_nearest(const std::string& source_rel,
                                                                 const std::string& compiler_id,
                                                                 const std::string& hw_class) {
  TRY_PREPARE(st, std::string("SELECT ") + kWinnerColumns +
                      " WHERE w.source_rel=? AND w.compiler_id=? AND w.hw_class=? ORDER BY w.created DESC, w.id DESC LIMIT 1");
  st.bind(1, source_rel).bind(2, compiler_id).bind(3, hw_class);
  return one_winner(st);
}

Expected<std::map<std::string, int64_t>> Store::stats() {
  TRY_PREPARE(st, "SELECT name, count FROM stats ORDER BY name");
  std::map<std::string, int64_t> out;
  if (Status s = st.each_row([&](const Statement& r) { out[r.text(0)] = r.integer(1); }); !s) {
    return Error{s.message()};
  }
  return out;
}

Status Store::reset_stats() { return m_db->exec("DELETE FROM stats"); }

Status Store::put_host(const std::string& fingerprint, const std::string& hw_class,
                       const nlohmann::json& info) {
  TRY_PREPARE(st, "INSERT INTO hosts(fingerprint, hw_class, info_json, first_seen, last_seen)"
                  " VALUES(?,?,?,?,?) ON CONFLICT(fingerprint) DO UPDATE SET last_seen=excluded.last_seen,"
                  " info_json=excluded.info_json");
  int64_t now = now_unix();
  st.bind(1, fingerprint).bind(2, hw_class).bind(3, info.dump()).bind(4, now).bind(5, now);
  return st.run();
}

Expected<std::optional<std::string>> Store::find_native(const std::string& compiler_id,
                                                        const std::string& host_fp) {
  TRY_PREPARE(st, "SELECT json FROM native_targets WHERE compiler_id=? AND host_fp=?");
  st.bind(1, compiler_id).bind(2, host_fp);
  return st.first_row<std::string>([](const Statement& r) { return r.text(0); });
}

Status Store::put_native(const std::string& compiler_id, const std::string& host_fp,
                         const std::string& json) {
  TRY_PREPARE(st, "INSERT OR REPLACE INTO native_targets(compiler_id, host_fp, json) VALUES(?,?,?)");
  st.bind(1, compiler_id).bind(2, host_fp).bind(3, json);
  return st.run();
}

Status Store::put_tu(const std::string& tu_key, const std::string& source_rel,
                     const std::string& compiler_id, const std::string& base_flags) {
  TRY_PREPARE(st, "INSERT OR IGNORE INTO tus(tu_key, source_rel, compiler_id, base_flags, created)"
                  " VALUES(?,?,?,?,?)");
  st.bind(1, tu_key).bind(2, source_rel).bind(3, compiler_id).bind(4, base_flags).bind(5, now_unix());
  return st.run();
}

Expected<int64_t> Store::intern_config(const TuneConfig& config) {
  std::string canon = config.canonical();
  {
    TRY_PREPARE(ins, "INSERT OR IGNORE INTO configs(canonical, json) VALUES(?, ?)");
    ins.bind(1, canon).bind(2, config.to_json().dump());
    if (Status s = ins.run(); !s) {
      return Error{s.message()};
    }
  }
  TRY_PREPARE(st, "SELECT id FROM configs WHERE canonical=?");
  st.bind(1, canon);
  auto id = st.first_row<int64_t>([](const Statement& r) { return r.integer(0); });
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
  TRY_PREPARE(st, "INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class,"
                  " objective, config_id, baseline, best, speedup, speedup_low, speedup_high, session_id,"
                  " rationale, origin, created) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                  " ON CONFLICT(tu_key, compiler_id, host_fp, objective) DO UPDATE SET"
                  " source_rel=excluded.source_rel, source_base=excluded.source_base,"
                  " hw_class=excluded.hw_class, config_id=excluded.config_id, baseline=excluded.baseline,"
                  " best=excluded.best, speedup=excluded.speedup, speedup_low=excluded.speedup_low,"
                  " speedup_high=excluded.speedup_high, session_id=excluded.session_id,"
                  " rationale=excluded.rationale, origin=excluded.origin, created=excluded.created");
  st.bind(1, w.tu_key)
      .bind(2, w.source_rel)
      .bind(3, w.source_base)
      .bind(4, w.compiler_id)
      .bind(5, w.host_fp)
      .bind(6, w.hw_class)
      .bind(7, w.objective)
      .bind(8, *cid)
      .bind(9, w.baseline)
      .bind(10, w.best)
      .bind(11, w.speedup)
      .bind(12, w.speedup_low)
      .bind(13, w.speedup_high)
      .bind(14, w.session_id)
      .bind(15, w.rationale)
      .bind(16, w.origin)
      .bind(17, w.created ? w.created : now_unix());
  return st.run();
}

Expected<std::vector<WinnerRecord>> Store::winners() {
  TRY_PREPARE(st, std::string("SELECT ") + kWinnerColumns + " ORDER BY w.source_rel, w.created");
  std::vector<WinnerRecord> out;
  for (;;) {
    auto w = one_winner(st);
    if (!w) {
      return Error{w.error()};
    }
    if (!*w) {
      break;
    }
    out.push_back(**w);
  }
  return out;
}

Status Store::delete_winner(int64_t id) {
  TRY_PREPARE(st, "DELETE FROM winners WHERE id=?");
  st.bind(1, id);
  return st.run();
}

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

static const char* kCommandColumns =
    "kind, output, cwd, source, argv_json, compiler, language, inputs_json, project_root, updated FROM commands";

static Expected<std::vector<CapturedCommand>> all_commands(Statement& st) {
  std::vector<CapturedCommand> out;
  std::optional<Error> malformed;
  Status s = st.each_row([&](const Statement& r) {
    auto c = command_from_row(r);
    if (!c) {
      malformed = malformed.value_or(c.error());
    } else {
      out.push_back(std::move(*c));
    }
  });
  if (!s) {
    return Error{s.message()};
  }
  if (malformed) {
    return *malformed;
  }
  return out;
}

Expected<std::vector<CapturedCommand>> Store::commands(const std::string& kind) {
  TRY_PREPARE(st, std::string("SELECT ") + kCommandColumns + " WHERE kind=? ORDER BY output");
  st.bind(1, kind);
  return all_commands(st);
}

Expected<std::optional<CapturedCommand>> Store::command_for_output(const std::string& kind,
                                                                   const std::string& output) {
  TRY_PREPARE(st, std::string("SELECT ") + kCommandColumns + " WHERE kind=? AND output=?");
  st.bind(1, kind).bind(2, output);
  auto all = all_commands(st);
  if (!all) {
    return Error{all.error()};
  }
  if (all->empty()) {
    return std::optional<CapturedCommand>();
  }
  return std::optional<CapturedCommand>(all->front());
}

Expected<std::vector<CapturedCommand>> Store::compiles_of_source(const std::string& source) {
  TRY_PREPARE(st, std::string("SELECT ") + kCommandColumns +
                      " WHERE kind='compile' AND source=? ORDER BY updated DESC");
  st.bind(1, source);
  return all_commands(st);
}

Expected<int64_t> Store::create_session(const std::string& build_dir, const nlohmann::json& args) {
  TRY_PREPARE(st, "INSERT INTO sessions(state, build_dir, args_json, created, updated) VALUES(?,?,?,?,?)");
  int64_t now = now_unix();
  st.bind(1, "running").bind(2, build_dir).bind(3, args.dump()).bind(4, now).bind(5, now);
  if (Status s = st.run(); !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

Status Store::update_session(int64_t id, const std::string& state, const nlohmann::json& summary) {
  TRY_PREPARE(st, "UPDATE sessions SET state=?, summary_json=?, updated=? WHERE id=?");
  st.bind(1, state).bind(2, summary.dump()).bind(3, now_unix()).bind(4, id);
  return st.run();
}

static SessionRow session_from_row(const Statement& st) {
  SessionRow s;
  s.id = st.integer(0);
  s.state = st.text(1);
  s.build_dir = st.text(2);
  s.args = nlohmann::json::parse(st.text(3), nullptr, false);
  std::string summary = st.text(4);
  s.summary = summary.empty() ? nlohmann::json::object() : nlohmann::json::parse(summary, nullptr, false);
  s.created = st.integer(5);
  s.updated = st.integer(6);
  return s;
}

static Expected<std::optional<SessionRow>> one_session(Statement& st) {
  return st.first_row<SessionRow>(session_from_row);
}

Expected<std::optional<SessionRow>> Store::session(int64_t id) {
  TRY_PREPARE(st, "SELECT id, state, build_dir, args_json, summary_json, created, updated FROM sessions WHERE id=?");
  st.bind(1, id);
  return one_session(st);
}

Expected<std::optional<SessionRow>> Store::latest_session(const std::string& build_dir) {
  TRY_PREPARE(st, "SELECT id, state, build_dir, args_json, summary_json, created, updated FROM sessions"
                  " WHERE build_dir=? ORDER BY id DESC LIMIT 1");
  st.bind(1, build_dir);
  return one_session(st);
}

Expected<int64_t> Store::add_trial(const TrialRow& t) {
  auto cid = intern_config(t.config);
  if (!cid) {
    return Error{cid.error()};
  }
  TRY_PREPARE(st, "INSERT INTO trials(session_id, tu_key, source, config_id, planner, operator, verdict,"
                  " detail, objective, score, samples_json, speedup, speedup_low, speedup_high, compile_sec,"
                  " object_hash, created) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, t.session_id)
      .bind(2, t.tu_key)
      .bind(3, t.source)
      .bind(4, *cid)
      .bind(5, t.planner)
      .bind(6, t.op)
      .bind(7, std::string(to_string(t.verdict)))
      .bind(8, t.detail)
      .bind(9, t.objective)
      .bind(10, t.score)
      .bind(11, t.samples.is_null() ? std::string("[]") : t.samples.dump())
      .bind(12, t.speedup)
      .bind(13, t.speedup_low)
      .bind(14, t.speedup_high)
      .bind(15, t.compile_sec)
      .bind(16, t.object_hash)
      .bind(17, t.created ? t.created : now_unix());
  if (Status s = st.run(); !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

static Expected<std::vector<TrialRow>> all_trials(Statement& st) {
  std::vector<TrialRow> out;
  Status s = st.each_row([&](const Statement& row) {
    TrialRow t;
    t.id = row.integer(0);
    t.session_id = row.integer(1);
    t.tu_key = row.text(2);
    t.source = row.text(3);
    auto cfg = TuneConfig::parse(row.text(4));
    if (!cfg) {
      return; // a malformed stored config is skipped, not fatal
    }
    t.config = *cfg;
    t.planner = row.text(5);
    t.op = row.text(6);
    t.verdict = verdict_from_string(row.text(7)).value_or(Verdict::CompileError); // TEMP
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
    out.push_back(std::move(t));
  });
  if (!s) {
    return Error{s.message()};
  }
  return out;
}

static const char* kTrialColumns =
    "t.id, t.session_id, t.tu_key, t.source, c.json, t.planner, t.operator, t.verdict, t.detail,"
    " t.objective, t.score, t.samples_json, t.speedup, t.speedup_low, t.speedup_high, t.compile_sec,"
    " t.object_hash, t.created FROM trials t JOIN configs c ON c.id = t.config_id";

Expected<std::vector<TrialRow>> Store::trials(int64_t session_id) {
  TRY_PREPARE(st, std::string("SELECT ") + kTrialColumns + " WHERE t.session_id=? ORDER BY t.id");
  st.bind(1, session_id);
  return all_trials(st);
}

Expected<std::vector<TrialRow>> Store::trials_for_tu(const std::string& tu_key) {
  TRY_PREPARE(st, std::string("SELECT ") + kTrialColumns + " WHERE t.tu_key=? ORDER BY t.id");
  st.bind(1, tu_key);
  return all_trials(st);
}

} // namespace llmcc
