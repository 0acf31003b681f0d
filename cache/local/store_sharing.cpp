// What bundles and remote stores need from the database: one transaction around
// a whole merge, compilers by id and a TU's evidence.
#include "cache/local/store.h"

namespace llmcc {

Status Store::transaction(const std::function<Status()>& body, bool commit) {
  Transaction tx(*m_db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  if (Status s = body(); !s) {
    return s; // the destructor rolls back
  }
  return commit ? tx.commit() : Status::success();
}

Expected<std::optional<CompilerIdentity>> Store::compiler_by_id(const std::string& id) {
  auto read = [](const Statement& r) {
    CompilerIdentity c;
    c.id = r.text(0);
    c.path = r.text(1);
    c.family = family_from_name(r.text(2));
    c.version = r.text(3);
    c.target = r.text(4);
    c.binary_hash = r.text(5);
    c.version_text = r.text(6);
    return c;
  };
  return m_db->first_row<CompilerIdentity>(
      read,
      "SELECT id, path, family, version, target, binary_hash, version_text FROM compilers WHERE id=?"
      " ORDER BY created DESC LIMIT 1",
      id);
}

Expected<int64_t> Store::trial_count(const std::string& tu_key) {
  auto n = m_db->first_row<int64_t>([](const Statement& r) { return r.integer(0); },
                                    "SELECT COUNT(*) FROM trials WHERE tu_key=?", tu_key);
  if (!n) {
    return Error{n.error()};
  }
  return n->value_or(0);
}

} // namespace llmcc
