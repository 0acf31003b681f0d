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

Store::Store(std::unique_ptr<Database> db, Database::Mode mode)
    : m_db(std::move(db)), m_mode(mode), m_tuning_path(tuning_db_path(m_db->path())) {}

Expected<std::unique_ptr<Store>> Store::adopt(std::unique_ptr<Database> db, Database::Mode mode) {
  const std::string path = db->path();
  std::unique_ptr<Store> store(new Store(std::move(db), mode)); // NOLINT: private constructor
  if (mode == Database::Mode::ReadWrite) {
    // A current database (every compile's case) needs no other statement here.
    const int v = store->m_db->version_at_open();
    if (v == kSchemaVersion) {
      return store;
    }
    // Only an upgrade needs the tuning file here (the move into it); a current
    // database opens without it.
    if (v < kSchemaVersion) {
      if (Status s = store->open_tuning(); !s) {
        return Error{s.message()};
      }
    }
    if (Status s = migrate(*store->m_db); !s) {
      return Error{fmt::format("database {}: {}", path, s.message())};
    }
  } else if (const int v = store->m_db->version_at_open(); v != kSchemaVersion) {
    return Error{fmt::format("database {} has schema version {}, expected {}", path, v, kSchemaVersion)};
  }
  return store;
}

Status Store::open_tuning() {
  if (m_tuning_attached) {
    return {};
  }
  if (m_tuning_error) {
    return Error{*m_tuning_error};
  }
  if (m_mode == Database::Mode::ReadWrite && m_tuning_path != ":memory:") {
    if (Status s = fs::make_dirs(fs::dir_name(m_tuning_path)); !s) {
      m_tuning_error = s.message();
      return s;
    }
  }
  if (Status s = attach_tuning(*m_db, m_tuning_path, m_mode); !s) {
    m_tuning_error = s.message();
    return s;
  }
  m_tuning_attached = true;
  return {};
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
