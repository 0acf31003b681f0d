// The database schema and its migrations. The schema version is SQLite's
// user_version; each migration moves it up by one inside a transaction, so an
// interrupted upgrade leaves the old version intact.
#pragma once

#include "cache/local/database.h"

namespace llmcc {

constexpr int kSchemaVersion = 9;
// The last version that kept the tuner's tables in the main file; the step after
// it moves them into the tuning database.
constexpr int kSingleFileSchemaVersion = 6;
// The tuning database (trials, sessions, LLM replies, profiles, hosts, native
// targets, dropped winners, meta, TUs: what only the tools read) has its own
// versions, in its own file.
constexpr int kTuningSchemaVersion = 3;
// The name the tuning database is attached under.
constexpr const char* kTuningSchema = "tuning";

// Brings the database to kSchemaVersion. A database newer than this llmcc is
// refused (its data is kept; an older llmcc must not guess at it). Below
// kSchemaVersion the tuning database must be attached (attach_tuning), since
// the step after kSingleFileSchemaVersion moves rows into it.
Status migrate(Database& db);
// The same up to `target` only (tests build an old database with it).
Status migrate_to(Database& db, int target);
Expected<int> schema_version(Database& db);

// The tuning database's file for the main database at `main_path`:
// llmcc.db -> llmcc.tuning.db, beside it.
std::string tuning_db_path(const std::string& main_path);
// Attaches the tuning database at `path` as kTuningSchema and brings it to
// kTuningSchemaVersion (ReadWrite creates it). A file that is not a database,
// or is newer than this llmcc, is an error naming the file; on error nothing
// stays attached. `target` below kTuningSchemaVersion: tests build an old file.
Status attach_tuning(Database& db, const std::string& path, Database::Mode mode,
                     int target = kTuningSchemaVersion);

} // namespace llmcc
