#include "cache/local/database.h"

#include <fmt/format.h>

namespace llmcc {

Statement& Statement::bind(int i, const std::string& v) {
  sqlite3_bind_text(m_stmt.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(m_stmt.get(), i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(m_stmt.get(), i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(m_stmt.get(), i);
  return *this;
}

Expected<bool> Statement::step() {
  int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return Error{fmt::format("{} (code {})", sqlite3_errmsg(m_db), rc)};
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) {
      return Error{r.error()};
    }
    if (!*r) {
      return {};
    }
  }
}

void Statement::reset() {
  sqlite3_reset(m_stmt.get());
  sqlite3_clear_bindings(m_stmt.get());
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(m_stmt.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(m_stmt.get(), col)))
           : std::string();
}
int64_t Statement::integer(int col) const { return sqlite3_column_int64(m_stmt.get(), col); }
double Statement::real(int col) const { return sqlite3_column_double(m_stmt.get(), col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL; }

namespace {

// Process-wide settings, before SQLite initialises itself on the first open.
// Its memory statistics take a global mutex on every allocation, and parsing
// the schema allocates a lot: without them an open and a hit cost a compile
// 16% fewer instructions (docs/benchmarks.md §9). Nothing here reads them.
void configure_sqlite_once() {
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

} // namespace

Expected<std::unique_ptr<Database>> Database::open(const std::string& path, Mode mode,
                                                   int busy_timeout_ms) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                     : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(raw, path)); // NOLINT: private constructor
  if (rc != SQLITE_OK) {
    return Error{fmt::format("cannot open database {}: {}", path,
                             raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
  }
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 0);
  // Reading the schema version touches the file header: this is where a corrupt
  // or foreign file is noticed ("file is not a database").
  auto version = db->first_row<int64_t>([](const Statement& r) { return r.integer(0); }, "PRAGMA user_version");
  if (!version) {
    return Error{fmt::format("cannot use database {}: {}", path, version.error().message)};
  }
  db->m_version_at_open = static_cast<int>(version->value_or(0));
  if (mode == Mode::ReadWrite) {
    // WAL lets readers run beside one writer, and it is a property of the file:
    // set it once, when the file is new (checking costs a statement parse per
    // compile). NORMAL sync is durable enough for a cache and avoids an fsync per
    // commit.
    if (Status s = db->exec("PRAGMA synchronous=NORMAL"); !s) {
      return Error{fmt::format("cannot use database {}: {}", path, s.message())};
    }
    if (!db->is_wal()) {
      if (Status s = db->exec("PRAGMA journal_mode=WAL"); !s) {
        return Error{fmt::format("cannot use database {}: {}", path, s.message())};
      }
    }
  }
  if (Status s = db->exec("PRAGMA foreign_keys=ON"); !s) {
    return Error{fmt::format("cannot use database {}: {}", path, s.message())};
  }
  return db;
}

Database::~Database() { sqlite3_close_v2(m_db); }

bool Database::is_wal() {
  // Bytes 18 and 19 of the header are 2 in WAL mode: read them without SQL.
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(m_db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file ||
      !file->pMethods) {
    return false;
  }
  unsigned char header[20] = {};
  if (file->pMethods->xRead(file, header, sizeof header, 0) != SQLITE_OK) {
    return false;
  }
  return header[18] == 2 && header[19] == 2;
}

Status Database::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Error{msg};
  }
  return {};
}

Expected<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Error{fmt::format("{} (in: {})", sqlite3_errmsg(m_db), sql.substr(0, 80))};
  }
  return Statement(m_db, stmt);
}

int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }
std::string Database::last_error() const { return sqlite3_errmsg(m_db); }
int Database::last_error_code() const { return sqlite3_errcode(m_db) & 0xff; }

Transaction::~Transaction() {
  if (m_open) {
    (void)m_db.exec("ROLLBACK");
  }
}

Status Transaction::begin_immediate() {
  Status s = m_db.exec("BEGIN IMMEDIATE");
  m_open = s.ok();
  return s;
}

Status Transaction::begin_deferred() {
  Status s = m_db.exec("BEGIN");
  m_open = s.ok();
  return s;
}

Status Transaction::commit() {
  Status s = m_db.exec("COMMIT");
  if (s) {
    m_open = false;
  }
  return s;
}

} // namespace llmcc
