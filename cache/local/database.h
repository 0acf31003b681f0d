// A thin RAII layer over SQLite: a connection and prepared statements, with
// errors as values. Nothing here knows llmcc's schema.
#pragma once

#include "util/expected.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <sqlite3.h>
#include <string>
#include <utility>
#include <vector>

namespace llmcc {

class Statement {
public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt, &sqlite3_finalize) {}

  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, std::string_view v) { return bind(i, std::string(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  Statement& bind(int i, const std::optional<double>& v) { return v ? bind(i, *v) : bind_null(i); }
  // Binds `args` to parameters 1, 2, ... in order, so the values line up with the
  // SQL's placeholders by position alone and no index is written by hand.
  template <typename... Args> Statement& bind_all(const Args&... args);

  // true: a row is available; false: done.
  Expected<bool> step();
  // The first row read by `read(*this)` (returning T or Expected<T>); nullopt
  // when the query has no rows.
  template <typename T, typename Read> Expected<std::optional<T>> first_row(Read&& read);
  // Calls `read(*this)` for every row; stops at the first failed step.
  template <typename Read> Status each_row(Read&& read);
  // Every row read by `read(*this)` (returning T or Expected<T>); the first row
  // that cannot be read fails the whole query.
  template <typename T, typename Read> Expected<std::vector<T>> all_rows(Read&& read);
  // Runs to completion (for statements without rows).
  Status run();
  void reset();

  std::string text(int col) const;
  int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;

private:
  sqlite3* m_db = nullptr;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> m_stmt{nullptr, &sqlite3_finalize};
};

template <typename... Args> Statement& Statement::bind_all(const Args&... args) {
  [[maybe_unused]] int i = 0;
  (bind(++i, args), ...);
  return *this;
}

template <typename T, typename Read> Expected<std::optional<T>> Statement::first_row(Read&& read) {
  auto row = step();
  if (!row) {
    return Error{row.error()};
  }
  if (!*row) {
    return std::optional<T>();
  }
  Expected<T> value = read(*this);
  if (!value) {
    return Error{value.error()};
  }
  return std::optional<T>(std::move(*value));
}

template <typename Read> Status Statement::each_row(Read&& read) {
  for (;;) {
    auto row = step();
    if (!row) {
      return Error{row.error()};
    }
    if (!*row) {
      return Status::success();
    }
    read(*this);
  }
}

template <typename T, typename Read> Expected<std::vector<T>> Statement::all_rows(Read&& read) {
  std::vector<T> out;
  for (;;) {
    auto row = first_row<T>(read);
    if (!row) {
      return Error{row.error()};
    }
    if (!*row) {
      return out;
    }
    out.push_back(std::move(**row));
  }
}

class Database {
public:
  enum class Mode { ReadWrite, ReadOnly };
  // Opens (creating for ReadWrite) and configures WAL, a busy timeout and
  // foreign keys. Fails cleanly on unreadable or corrupt files.
  static Expected<std::unique_ptr<Database>> open(const std::string& path, Mode mode,
                                                  int busy_timeout_ms);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status exec(const std::string& sql);
  Expected<Statement> prepare(const std::string& sql);
  // Prepares `sql` with `args` bound to its placeholders in order.
  template <typename... Args>
  Expected<Statement> query(const std::string& sql, const Args&... args);
  // Prepares, binds and runs a statement that returns no rows.
  template <typename... Args> Status run(const std::string& sql, const Args&... args);
  // query() followed by the Statement reader of the same name, so a failed
  // prepare and a failed read come back the same way.
  template <typename T, typename Read, typename... Args>
  Expected<std::optional<T>> first_row(Read&& read, const std::string& sql, const Args&... args);
  template <typename T, typename Read, typename... Args>
  Expected<std::vector<T>> all_rows(Read&& read, const std::string& sql, const Args&... args);
  // true when the query has a row.
  template <typename... Args> Expected<bool> has_row(const std::string& sql, const Args&... args);
  // Prepares `sql` with `args` and returns `use(statement)`, or the prepare's error.
  template <typename Use, typename... Args>
  auto with_query(Use&& use, const std::string& sql, const Args&... args) -> decltype(use(std::declval<Statement&>()));
  int64_t last_insert_id() const;
  bool is_wal();
  int changes() const;
  std::string last_error() const;
  // SQLite's primary result code of the last failure (SQLITE_BUSY, SQLITE_FULL, ...).
  int last_error_code() const;
  const std::string& path() const { return m_path; }
  sqlite3* raw() { return m_db; }
  // The file's schema version (PRAGMA user_version) as open() read it: the
  // compile path needs no second read when it is current.
  int version_at_open() const { return m_version_at_open; }

private:
  Database(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}
  sqlite3* m_db;
  std::string m_path;
  int m_version_at_open = 0;
};

template <typename... Args>
Expected<Statement> Database::query(const std::string& sql, const Args&... args) {
  auto st = prepare(sql);
  if (st) {
    st->bind_all(args...);
  }
  return st;
}

template <typename Use, typename... Args>
auto Database::with_query(Use&& use, const std::string& sql, const Args&... args)
    -> decltype(use(std::declval<Statement&>())) {
  auto st = query(sql, args...);
  if (!st) {
    return Error{st.error()};
  }
  return use(*st);
}

template <typename... Args> Status Database::run(const std::string& sql, const Args&... args) {
  return with_query([](Statement& st) { return st.run(); }, sql, args...);
}

template <typename T, typename Read, typename... Args>
Expected<std::optional<T>> Database::first_row(Read&& read, const std::string& sql, const Args&... args) {
  return with_query([&](Statement& st) { return st.first_row<T>(read); }, sql, args...);
}

template <typename T, typename Read, typename... Args>
Expected<std::vector<T>> Database::all_rows(Read&& read, const std::string& sql, const Args&... args) {
  return with_query([&](Statement& st) { return st.all_rows<T>(read); }, sql, args...);
}

template <typename... Args> Expected<bool> Database::has_row(const std::string& sql, const Args&... args) {
  return with_query([](Statement& st) { return st.step(); }, sql, args...);
}

// A transaction that rolls back unless committed. BEGIN IMMEDIATE takes the write
// lock up front, so a busy database fails fast here instead of mid-way.
class Transaction {
public:
  explicit Transaction(Database& db) : m_db(db) {}
  ~Transaction();
  Status begin_immediate();
  Status begin_deferred();
  Status commit();

private:
  Database& m_db;
  bool m_open = false;
};

} // namespace llmcc
