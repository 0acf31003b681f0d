// What llmcc learns about compilers and hosts: identities and native targets.
#include "cache/local/store.h"

namespace llmcc {

namespace {

// One column list and one reader for every compiler look-up.
const std::string kIdentitySelect =
    "SELECT id, path, mtime_ns, size, family, version, target, binary_hash, version_text FROM compilers ";

CompilerIdentity identity_from_row(const Statement& r) {
  CompilerIdentity c;
  c.id = r.text(0);
  c.path = r.text(1);
  c.mtime_ns = r.integer(2);
  c.size = r.integer(3);
  c.family = family_from_name(r.text(4));
  c.version = r.text(5);
  c.target = r.text(6);
  c.binary_hash = r.text(7);
  c.version_text = r.text(8);
  return c;
}

} // namespace

Expected<std::optional<CompilerIdentity>> Store::find_compiler(const std::string& path,
                                                               long long mtime_ns, long long size) {
  return m_db->first_row<CompilerIdentity>(identity_from_row,
                                           kIdentitySelect + "WHERE path=? AND mtime_ns=? AND size=? LIMIT 1", path,
                                           static_cast<int64_t>(mtime_ns), static_cast<int64_t>(size));
}

Status Store::put_compiler(const CompilerIdentity& c) {
  return m_db->run(
      "INSERT OR REPLACE INTO compilers(id, path, mtime_ns, size, family, version, target,"
      " binary_hash, version_text, created) VALUES(?,?,?,?,?,?,?,?,?,?)",
      c.id, c.path, static_cast<int64_t>(c.mtime_ns), static_cast<int64_t>(c.size),
      family_name(c.family), c.version, c.target, c.binary_hash, c.version_text, now_unix());
}

Status Store::put_host(const std::string& fingerprint, const std::string& hw_class,
                       const nlohmann::json& info) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  int64_t now = now_unix();
  return m_db->run(
      "INSERT INTO hosts(fingerprint, hw_class, info_json, first_seen, last_seen)"
      " VALUES(?,?,?,?,?) ON CONFLICT(fingerprint) DO UPDATE SET last_seen=excluded.last_seen,"
      " info_json=excluded.info_json",
      fingerprint, hw_class, info.dump(), now, now);
}

Expected<std::optional<nlohmann::json>> Store::host(const std::string& fingerprint) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  auto read = [](const Statement& r) -> nlohmann::json {
    nlohmann::json info = nlohmann::json::parse(r.text(1), nullptr, /*allow_exceptions=*/false);
    return {{"hw_class", r.text(0)}, {"info", info.is_discarded() ? nlohmann::json::object() : info}};
  };
  return m_db->first_row<nlohmann::json>(read, "SELECT hw_class, info_json FROM hosts WHERE fingerprint=?",
                                         fingerprint);
}

Expected<std::optional<CompilerIdentity>> Store::compiler(const std::string& id) {
  return m_db->first_row<CompilerIdentity>(identity_from_row, kIdentitySelect + "WHERE id=? ORDER BY created DESC LIMIT 1",
                                           id);
}

Expected<std::vector<CompilerIdentity>> Store::compilers() {
  return m_db->all_rows<CompilerIdentity>(identity_from_row, kIdentitySelect + "ORDER BY id, path");
}

Expected<std::optional<std::string>> Store::find_native(const std::string& compiler_id,
                                                        const std::string& host_fp) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<std::string>([](const Statement& r) { return r.text(0); },
                                      "SELECT json FROM native_targets WHERE compiler_id=? AND host_fp=?", compiler_id,
                                      host_fp);
}

Status Store::put_native(const std::string& compiler_id, const std::string& host_fp,
                         const std::string& json) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run(
      "INSERT OR REPLACE INTO native_targets(compiler_id, host_fp, json) VALUES(?,?,?)",
      compiler_id, host_fp, json);
}

} // namespace llmcc
