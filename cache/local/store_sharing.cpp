// What bundles and remote stores need from the database: one transaction around
// a whole merge and a TU's evidence.
#include "cache/local/store.h"

namespace llmcc {

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
