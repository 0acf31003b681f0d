#include "cache/local/schema.h"

#include <fmt/format.h>

#include <vector>

namespace llmcc {

namespace {

// Index i holds the SQL that moves the schema from version i to i + 1.
// Never edit a released step: add a new one.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> steps = {
      // 0 -> 1: the first schema.
      R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE hosts(
  fingerprint TEXT PRIMARY KEY, hw_class TEXT NOT NULL, info_json TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE compilers(
  id TEXT PRIMARY KEY, path TEXT NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
  family TEXT NOT NULL, version TEXT NOT NULL, target TEXT NOT NULL, binary_hash TEXT NOT NULL,
  version_text TEXT NOT NULL, created INTEGER NOT NULL);
CREATE INDEX compilers_by_path ON compilers(path, mtime_ns, size);
CREATE TABLE native_targets(
  compiler_id TEXT NOT NULL, host_fp TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY(compiler_id, host_fp));
CREATE TABLE commands(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, output TEXT NOT NULL, cwd TEXT NOT NULL,
  source TEXT, argv_json TEXT NOT NULL, compiler TEXT NOT NULL, language TEXT,
  inputs_json TEXT, project_root TEXT, updated INTEGER NOT NULL,
  UNIQUE(kind, output));
CREATE INDEX commands_by_source ON commands(source);
CREATE TABLE stats(name TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE tus(
  tu_key TEXT PRIMARY KEY, source_rel TEXT NOT NULL, compiler_id TEXT NOT NULL,
  base_flags TEXT NOT NULL, features_json TEXT, created INTEGER NOT NULL);
CREATE TABLE configs(
  id INTEGER PRIMARY KEY, canonical TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY, state TEXT NOT NULL, build_dir TEXT NOT NULL, args_json TEXT NOT NULL,
  summary_json TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE trials(
  id INTEGER PRIMARY KEY, session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
  tu_key TEXT NOT NULL, source TEXT NOT NULL, config_id INTEGER NOT NULL REFERENCES configs(id),
  planner TEXT NOT NULL, operator TEXT NOT NULL, verdict TEXT NOT NULL, detail TEXT,
  objective TEXT NOT NULL, score REAL, samples_json TEXT, speedup REAL, speedup_low REAL,
  speedup_high REAL, compile_sec REAL, object_hash TEXT, created INTEGER NOT NULL);
CREATE INDEX trials_by_session ON trials(session_id, tu_key);
CREATE TABLE winners(
  id INTEGER PRIMARY KEY, tu_key TEXT NOT NULL, source_rel TEXT NOT NULL, source_base TEXT NOT NULL,
  compiler_id TEXT NOT NULL, host_fp TEXT NOT NULL, hw_class TEXT NOT NULL,
  objective TEXT NOT NULL, config_id INTEGER NOT NULL REFERENCES configs(id),
  baseline REAL, best REAL, speedup REAL, speedup_low REAL, speedup_high REAL,
  session_id INTEGER, rationale TEXT, origin TEXT NOT NULL DEFAULT 'local',
  created INTEGER NOT NULL,
  UNIQUE(tu_key, compiler_id, host_fp, objective));
CREATE INDEX winners_by_host ON winners(compiler_id, host_fp, source_base);
CREATE INDEX winners_by_class ON winners(compiler_id, hw_class, source_base);
)sql",
      // 1 -> 2: LLM request/response cache (replay and cost control).
      R"sql(
CREATE TABLE llm_cache(
  prompt_hash TEXT PRIMARY KEY, model TEXT NOT NULL, request_json TEXT NOT NULL,
  response_text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,
  created INTEGER NOT NULL);
)sql",
      // 2 -> 3: each trial's baseline runs (the noise the report shows) and the
      // time its runs and --verify took (where a session's time went).
      R"sql(
ALTER TABLE trials ADD COLUMN base_samples_json TEXT;
ALTER TABLE trials ADD COLUMN run_sec REAL;
ALTER TABLE trials ADD COLUMN verify_sec REAL;
)sql",
      // 3 -> 4: trained PGO profiles, content-addressed files in the state directory.
      // WITHOUT ROWID and no second index: every compile parses the schema when
      // it opens the database, and each schema object costs the miss path (a
      // table with two indexes cost it 3%; looked up by hash only).
      R"sql(
CREATE TABLE profiles(
  hash TEXT PRIMARY KEY, tu_key TEXT NOT NULL, bench_id TEXT NOT NULL, family TEXT NOT NULL,
  path TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
)sql",
      // 4 -> 5: static code features per TU key (tus.features_json) with their
      // feature schema version (features/schema.h). One column of an existing
      // table rather than a new table: every compile parses the schema when it
      // opens the database; a table with its key index cost the miss path 3%
      // more instructions, this column 0.1%.
      R"sql(
ALTER TABLE tus ADD COLUMN feature_schema INTEGER;
)sql",
      // 5 -> 6: where a winner came from (tuned here, a bundle, a remote store) and
      // how many trials backed it, so an imported winner keeps its evidence.
      R"sql(
ALTER TABLE winners ADD COLUMN provenance TEXT NOT NULL DEFAULT '';
ALTER TABLE winners ADD COLUMN trials INTEGER NOT NULL DEFAULT 0;
)sql",
      // 6 -> 7: the tuner's tables move to the tuning database (attached), which
      // the compile path never opens: every compile parses the schema of the
      // file it opens, and it reads only commands, stats, compilers, configs and
      // winners. OR IGNORE keeps ids, so a move interrupted between the two
      // files' commits is redone without duplicates. Trials go before sessions
      // (dropping sessions would cascade to them).
      R"sql(
INSERT OR IGNORE INTO tuning.sessions SELECT * FROM main.sessions;
INSERT OR IGNORE INTO tuning.trials SELECT * FROM main.trials;
INSERT OR IGNORE INTO tuning.llm_cache SELECT * FROM main.llm_cache;
INSERT OR IGNORE INTO tuning.profiles SELECT * FROM main.profiles;
INSERT OR IGNORE INTO tuning.hosts SELECT * FROM main.hosts;
INSERT OR IGNORE INTO tuning.native_targets SELECT * FROM main.native_targets;
DROP TABLE main.trials;
DROP TABLE main.sessions;
DROP TABLE main.llm_cache;
DROP TABLE main.profiles;
DROP TABLE main.hosts;
DROP TABLE main.native_targets;
)sql",
      // 7 -> 8: every compile asks "is there a winner for this file name?" and
      // "which is the newest for this path?"; the old indexes led with
      // compiler_id and host or class, the same for every winner of a machine,
      // so with 100,000 winners each compile scanned them (12 ms median,
      // bench/lookup_bench). The file name and the path are what select.
      R"sql(
DROP INDEX main.winners_by_host;
DROP INDEX main.winners_by_class;
CREATE INDEX main.winners_by_source ON winners(source_base, compiler_id);
CREATE INDEX main.winners_by_path ON winners(source_rel, compiler_id, hw_class);
)sql",
      // 8 -> 9: fewer schema objects for every compile to parse (it parses them
      // all when it opens the file; 7 tables and 11 indexes were 0.36 M of the
      // 0.92 M instructions of an open and a hit, docs/benchmarks.md §9). `meta`
      // and `tus` move to the tuning file: only the tools read them. The
      // compilers (a handful of rows, found by path with a scan) and the
      // counters (by name) need no index beside their key: WITHOUT ROWID makes
      // the key the table. One index serves every winner lookup: the file
      // name and compiler first (the pre-checks), then the path and class (the
      // nearest lookup, which names the file too).
      R"sql(
INSERT OR IGNORE INTO tuning.meta(key, value) SELECT key, value FROM main.meta;
INSERT OR IGNORE INTO tuning.tus(tu_key, source_rel, compiler_id, base_flags, features_json, created, feature_schema)
  SELECT tu_key, source_rel, compiler_id, base_flags, features_json, created, feature_schema FROM main.tus;
DROP TABLE main.meta;
DROP TABLE main.tus;
CREATE TABLE main.compilers_v9(
  id TEXT PRIMARY KEY, path TEXT NOT NULL, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
  family TEXT NOT NULL, version TEXT NOT NULL, target TEXT NOT NULL, binary_hash TEXT NOT NULL,
  version_text TEXT NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO main.compilers_v9(id, path, mtime_ns, size, family, version, target, binary_hash, version_text, created)
  SELECT id, path, mtime_ns, size, family, version, target, binary_hash, version_text, created FROM main.compilers;
DROP TABLE main.compilers;
ALTER TABLE main.compilers_v9 RENAME TO compilers;
CREATE TABLE main.stats_v9(name TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO main.stats_v9(name, count) SELECT name, count FROM main.stats;
DROP TABLE main.stats;
ALTER TABLE main.stats_v9 RENAME TO stats;
DROP INDEX main.winners_by_source;
DROP INDEX main.winners_by_path;
CREATE INDEX main.winners_by_source ON winners(source_base, compiler_id, source_rel, hw_class);
)sql",
  };
  return steps;
}

// The tuning database's steps, as migrations() above. Version 1 holds the tables
// as they were at main version 6, columns in the same order (the move copies
// them with SELECT *); a trial's config_id refers to main.configs, which SQLite
// cannot enforce across files, so that reference is by convention.
const std::vector<const char*>& tuning_migrations() {
  static const std::vector<const char*> steps = {
      // 0 -> 1
      R"sql(
CREATE TABLE tuning.hosts(
  fingerprint TEXT PRIMARY KEY, hw_class TEXT NOT NULL, info_json TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE tuning.native_targets(
  compiler_id TEXT NOT NULL, host_fp TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY(compiler_id, host_fp));
CREATE TABLE tuning.sessions(
  id INTEGER PRIMARY KEY, state TEXT NOT NULL, build_dir TEXT NOT NULL, args_json TEXT NOT NULL,
  summary_json TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE tuning.trials(
  id INTEGER PRIMARY KEY, session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
  tu_key TEXT NOT NULL, source TEXT NOT NULL, config_id INTEGER NOT NULL,
  planner TEXT NOT NULL, operator TEXT NOT NULL, verdict TEXT NOT NULL, detail TEXT,
  objective TEXT NOT NULL, score REAL, samples_json TEXT, speedup REAL, speedup_low REAL,
  speedup_high REAL, compile_sec REAL, object_hash TEXT, created INTEGER NOT NULL,
  base_samples_json TEXT, run_sec REAL, verify_sec REAL);
CREATE INDEX tuning.trials_by_session ON trials(session_id, tu_key);
CREATE INDEX tuning.trials_by_tu ON trials(tu_key);
CREATE TABLE tuning.llm_cache(
  prompt_hash TEXT PRIMARY KEY, model TEXT NOT NULL, request_json TEXT NOT NULL,
  response_text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,
  created INTEGER NOT NULL);
CREATE TABLE tuning.profiles(
  hash TEXT PRIMARY KEY, tu_key TEXT NOT NULL, bench_id TEXT NOT NULL, family TEXT NOT NULL,
  path TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
)sql",
      // 1 -> 2: winners `llmcc tune --reconfirm` dropped, so a pull or import
      // does not bring them back (cache/local_rejection.h). Keyed as an arriving
      // winner is matched: its TU, compiler, hardware class, objective and
      // canonical config; the host it was tuned on is left out, since another
      // host of the class offering the same config offers what did not hold
      // here. In this file because only the tools read it (a table in the main
      // file costs every compile). No reference to sessions: a record outlives
      // the pruning of the session that wrote it.
      R"sql(
CREATE TABLE tuning.rejections(
  tu_key TEXT NOT NULL, compiler_id TEXT NOT NULL, hw_class TEXT NOT NULL, objective TEXT NOT NULL,
  canonical TEXT NOT NULL, config_json TEXT NOT NULL, source_rel TEXT NOT NULL,
  speedup REAL, speedup_low REAL, speedup_high REAL, reason TEXT NOT NULL,
  session_id INTEGER NOT NULL, created INTEGER NOT NULL,
  PRIMARY KEY(tu_key, compiler_id, hw_class, objective, canonical)) WITHOUT ROWID;
)sql",
      // 2 -> 3: the tools' key-value answers (probed options, the store id,
      // LLM reply formats) and the TUs with their code features, moved here by
      // main step 8 -> 9, which needs them to exist first. Columns as they were
      // in the main file.
      R"sql(
CREATE TABLE tuning.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tuning.tus(
  tu_key TEXT PRIMARY KEY, source_rel TEXT NOT NULL, compiler_id TEXT NOT NULL,
  base_flags TEXT NOT NULL, features_json TEXT, created INTEGER NOT NULL, feature_schema INTEGER);
)sql",
  };
  return steps;
}

Expected<int> version_of(Database& db, const std::string& schema) {
  auto st = db.prepare(fmt::format("PRAGMA {}.user_version", schema));
  if (!st) {
    return Error{st.error()};
  }
  auto row = st->step();
  if (!row) {
    return Error{row.error()};
  }
  return static_cast<int>(st->integer(0));
}

// Runs `steps` from the schema's version up to `target` in one write transaction.
Status run_steps(Database& db, const std::string& schema, const std::vector<const char*>& steps, int target) {
  auto v = version_of(db, schema);
  if (!v) {
    return Error{v.error()};
  }
  if (*v >= target) {
    return {};
  }
  Transaction tx(db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  // Another process may have migrated while we waited for the lock.
  v = version_of(db, schema);
  if (!v) {
    return Error{v.error()};
  }
  for (int i = *v; i < target; ++i) {
    if (Status s = db.exec(steps[static_cast<size_t>(i)]); !s) {
      return Error{fmt::format("schema migration {} -> {} failed: {}", i, i + 1, s.message())};
    }
  }
  if (Status s = db.exec(fmt::format("PRAGMA {}.user_version = {}", schema, target)); !s) {
    return s;
  }
  return tx.commit();
}

} // namespace

Expected<int> schema_version(Database& db) { return version_of(db, "main"); }

Status migrate_to(Database& db, int target) {
  auto v = schema_version(db);
  if (!v) {
    return Error{v.error()};
  }
  if (*v > kSchemaVersion) {
    return Error{fmt::format("database schema version {} is newer than this llmcc understands ({})",
                             *v, kSchemaVersion)};
  }
  return run_steps(db, "main", migrations(), target);
}

Status migrate(Database& db) { return migrate_to(db, kSchemaVersion); }

std::string tuning_db_path(const std::string& main_path) {
  if (main_path.empty() || main_path == ":memory:") {
    return ":memory:";
  }
  std::string stem = main_path;
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, ".db") == 0) {
    stem.resize(stem.size() - 3);
  }
  return stem + ".tuning.db";
}

Status attach_tuning(Database& db, const std::string& path, Database::Mode mode, int target) {
  auto fail = [&](const std::string& why) {
    (void)db.exec(fmt::format("DETACH DATABASE {}", kTuningSchema));
    return Error{fmt::format("tuning database {}: {}", path, why)};
  };
  auto attach = db.query(fmt::format("ATTACH DATABASE ? AS {}", kTuningSchema), path);
  if (!attach) {
    return Error{fmt::format("tuning database {}: {}", path, attach.error().message)};
  }
  if (Status s = attach->run(); !s) {
    return Error{fmt::format("tuning database {}: {}", path, s.message())};
  }
  // Reading the version touches the header: a file that is not a database fails here.
  auto v = version_of(db, kTuningSchema);
  if (!v) {
    return fail(v.error().message);
  }
  if (*v > kTuningSchemaVersion) {
    return fail(fmt::format("schema version {} is newer than this llmcc understands ({})", *v,
                            kTuningSchemaVersion));
  }
  if (mode == Database::Mode::ReadOnly) {
    if (*v != target) {
      return fail(fmt::format("schema version {}, expected {}", *v, target));
    }
    return {};
  }
  // As the main file (database.cpp): WAL so a report reads beside a running tune.
  for (const char* pragma : {"synchronous=NORMAL", "journal_mode=WAL"}) {
    if (Status s = db.exec(fmt::format("PRAGMA {}.{}", kTuningSchema, pragma)); !s) {
      return fail(s.message());
    }
  }
  if (Status s = run_steps(db, kTuningSchema, tuning_migrations(), target); !s) {
    return fail(s.message());
  }
  return {};
}

} // namespace llmcc
