// Opening the store, and what its records share: interned configs.
#include "cache/local/store.h"

#include "cache/local/schema.h"
#include "util/fs.h"

#include <fmt/format.h>

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

Expected<int64_t> Store::intern_config(const TuneConfig& config) {
  std::string canon = config.canonical();
  if (Status s = m_db->run("INSERT OR IGNORE INTO configs(canonical, json) VALUES(?, ?)", canon,
                           config.to_json().dump());
      !s) {
    return Error{s.message()};
  }
  auto id = m_db->first_row<int64_t>([](const Statement& r) { return r.integer(0); },
                                     "SELECT id FROM configs WHERE canonical=?", canon);
  if (!id) {
    return Error{id.error()};
  }
  if (!*id) {
    return Error{"config vanished after insert"};
  }
  return **id;
}

} // namespace llmcc
