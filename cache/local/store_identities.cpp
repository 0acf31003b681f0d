// What llmcc learns about compilers and hosts: identities and native targets.
#include "cache/local/store.h"

namespace llmcc {

Expected<std::optional<CompilerIdentity>> Store::find_compiler(const std::string& path,
                                                               long long mtime_ns, long long size) {
  auto read = [&](const Statement& r) {
    CompilerIdentity c;
    c.id = r.text(0);
    c.path = path;
    c.mtime_ns = mtime_ns;
    c.size = size;
    c.family = family_from_name(r.text(1));
    c.version = r.text(2);
    c.target = r.text(3);
    c.binary_hash = r.text(4);
    c.version_text = r.text(5);
    return c;
  };
  return m_db->first_row<CompilerIdentity>(
      read,
      "SELECT id, family, version, target, binary_hash, version_text FROM compilers"
      " WHERE path=? AND mtime_ns=? AND size=? LIMIT 1",
      path, static_cast<int64_t>(mtime_ns), static_cast<int64_t>(size));
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
  int64_t now = now_unix();
  return m_db->run(
      "INSERT INTO hosts(fingerprint, hw_class, info_json, first_seen, last_seen)"
      " VALUES(?,?,?,?,?) ON CONFLICT(fingerprint) DO UPDATE SET last_seen=excluded.last_seen,"
      " info_json=excluded.info_json",
      fingerprint, hw_class, info.dump(), now, now);
}

Expected<std::optional<nlohmann::json>> Store::host(const std::string& fingerprint) {
  auto read = [](const Statement& r) -> nlohmann::json {
    nlohmann::json info = nlohmann::json::parse(r.text(1), nullptr, /*allow_exceptions=*/false);
    return {{"hw_class", r.text(0)}, {"info", info.is_discarded() ? nlohmann::json::object() : info}};
  };
  return m_db->first_row<nlohmann::json>(read, "SELECT hw_class, info_json FROM hosts WHERE fingerprint=?",
                                         fingerprint);
}

Expected<std::optional<CompilerIdentity>> Store::compiler(const std::string& id) {
  auto read = [&](const Statement& r) {
    CompilerIdentity c;
    c.id = id;
    c.path = r.text(0);
    c.family = family_from_name(r.text(1));
    c.version = r.text(2);
    c.target = r.text(3);
    c.binary_hash = r.text(4);
    c.version_text = r.text(5);
    return c;
  };
  return m_db->first_row<CompilerIdentity>(
      read,
      "SELECT path, family, version, target, binary_hash, version_text FROM compilers WHERE id=?"
      " ORDER BY created DESC LIMIT 1",
      id);
}

Expected<std::optional<std::string>> Store::find_native(const std::string& compiler_id,
                                                        const std::string& host_fp) {
  return m_db->first_row<std::string>([](const Statement& r) { return r.text(0); },
                                      "SELECT json FROM native_targets WHERE compiler_id=? AND host_fp=?", compiler_id,
                                      host_fp);
}

Status Store::put_native(const std::string& compiler_id, const std::string& host_fp,
                         const std::string& json) {
  return m_db->run(
      "INSERT OR REPLACE INTO native_targets(compiler_id, host_fp, json) VALUES(?,?,?)",
      compiler_id, host_fp, json);
}

} // namespace llmcc
