// What bundles and remote stores need from the database: one transaction around
// a whole merge and a TU's evidence.
#include "cache/local/store.h"

#include <fmt/format.h>

#include <random>

#include "util/fs.h"

namespace llmcc {

namespace {

constexpr const char* kStoreIdKey = "store_id";

} // namespace

Expected<std::string> Store::store_id() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  const std::string here = fs::real_path(path());
  auto read = [&]() -> Expected<std::optional<std::string>> {
    return m_db->first_row<std::string>([](const Statement& r) { return r.text(0); },
                                        "SELECT value FROM meta WHERE key=?", kStoreIdKey);
  };
  // {"id": 16 hex digits, "path": the database file it was made for}
  auto id_for_here = [&](const std::string& value) -> std::optional<std::string> {
    auto j = nlohmann::json::parse(value, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || j.value("path", "") != here) {
      return std::nullopt;
    }
    std::string id = j["id"].get<std::string>();
    bool hex = id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
    return hex ? std::optional<std::string>(id) : std::nullopt;
  };
  auto current = read();
  if (!current) {
    return Error{current.error()};
  }
  if (*current) {
    if (auto id = id_for_here(**current)) {
      return *id;
    }
  }
  std::random_device rd;
  const std::string fresh =
      nlohmann::json{{"id", fmt::format("{:08x}{:08x}", rd(), rd())}, {"path", here}}.dump();
  // Two processes making one at once: the first write wins, and both read it back.
  Status s = *current ? m_db->run("UPDATE meta SET value=? WHERE key=? AND value=?", fresh, kStoreIdKey, **current)
                      : m_db->run("INSERT OR IGNORE INTO meta(key, value) VALUES(?, ?)", kStoreIdKey, fresh);
  if (!s) {
    return Error{s.message()};
  }
  auto stored = read();
  if (!stored) {
    return Error{stored.error()};
  }
  if (!*stored || !id_for_here(**stored)) {
    return Error{"could not keep this state directory's store id in the database"};
  }
  return *id_for_here(**stored);
}

Status Store::transaction(const std::function<Status()>& body, bool commit) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  Transaction tx(*m_db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  if (Status s = body(); !s) {
    return s; // the destructor rolls back
  }
  return commit ? tx.commit() : Status::success();
}

Expected<int64_t> Store::trial_count(const std::string& tu_key) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  auto n = m_db->first_row<int64_t>([](const Statement& r) { return r.integer(0); },
                                    "SELECT COUNT(*) FROM trials WHERE tu_key=?", tu_key);
  if (!n) {
    return Error{n.error()};
  }
  return n->value_or(0);
}

} // namespace llmcc
