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
  };
  return steps;
}

} // namespace

Expected<int> schema_version(Database& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) {
    return Error{st.error()};
  }
  auto row = st->step();
  if (!row) {
    return Error{row.error()};
  }
  return static_cast<int>(st->integer(0));
}

Status migrate(Database& db) {
  auto v = schema_version(db);
  if (!v) {
    return Error{v.error()};
  }
  if (*v == kSchemaVersion) {
    return {};
  }
  if (*v > kSchemaVersion) {
    return Error{fmt::format("database schema version {} is newer than this llmcc understands ({})",
                             *v, kSchemaVersion)};
  }
  Transaction tx(db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  // Another process may have migrated while we waited for the lock.
  v = schema_version(db);
  if (!v) {
    return Error{v.error()};
  }
  for (int i = *v; i < kSchemaVersion; ++i) {
    if (Status s = db.exec(migrations()[static_cast<size_t>(i)]); !s) {
      return Error{fmt::format("schema migration {} -> {} failed: {}", i, i + 1, s.message())};
    }
  }
  if (Status s = db.exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion)); !s) {
    return s;
  }
  return tx.commit();
}

} // namespace llmcc
