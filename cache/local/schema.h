// The database schema and its migrations. The schema version is SQLite's
// user_version; each migration moves it up by one inside a transaction, so an
// interrupted upgrade leaves the old version intact.
#pragma once

#include "cache/local/database.h"

namespace llmcc {

constexpr int kSchemaVersion = 6;

// Brings the database to kSchemaVersion. A database newer than this llmcc is
// refused (its data is kept; an older llmcc must not guess at it).
Status migrate(Database& db);
Expected<int> schema_version(Database& db);

} // namespace llmcc
