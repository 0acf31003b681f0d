// Winners `llmcc tune --reconfirm` dropped here (cache/local_rejection.h), in the
// tuning database: only the tools read them.
#include "cache/local/store.h"

#include "util/fs.h"

namespace llmcc {

namespace {

constexpr const char* kRejectionColumns =
    "SELECT tu_key, compiler_id, hw_class, objective, config_json, source_rel, speedup, speedup_low, speedup_high,"
    " reason, session_id, created FROM rejections";

std::optional<double> optional_real(const Statement& st, int col) {
  return st.is_null(col) ? std::nullopt : std::optional<double>(st.real(col));
}

Expected<LocalRejection> rejection_from_row(const Statement& st) {
  LocalRejection r;
  r.tu_key = st.text(0);
  r.compiler_id = st.text(1);
  r.hw_class = st.text(2);
  r.objective = st.text(3);
  auto cfg = TuneConfig::parse(st.text(4));
  if (!cfg) {
    return Error{"stored config of a dropped winner is malformed: " + cfg.error().message};
  }
  r.config = *cfg;
  r.source_rel = st.text(5);
  r.source_base = fs::base_name(r.source_rel);
  r.speedup = optional_real(st, 6);
  r.speedup_low = optional_real(st, 7);
  r.speedup_high = optional_real(st, 8);
  r.reason = st.text(9);
  r.session_id = st.integer(10);
  r.created = st.integer(11);
  return r;
}

} // namespace

Status Store::put_rejection(const LocalRejection& r) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("INSERT OR REPLACE INTO rejections(tu_key, compiler_id, hw_class, objective, canonical, config_json,"
                   " source_rel, speedup, speedup_low, speedup_high, reason, session_id, created)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   r.tu_key, r.compiler_id, r.hw_class, r.objective, r.config.canonical(), r.config.to_json().dump(),
                   r.source_rel, r.speedup, r.speedup_low, r.speedup_high, r.reason, r.session_id,
                   r.created ? r.created : now_unix());
}

Expected<std::optional<LocalRejection>> Store::rejection_matching(const WinnerRecord& w) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<LocalRejection>(rejection_from_row,
                                         std::string(kRejectionColumns) +
                                             " WHERE tu_key=? AND compiler_id=? AND hw_class=? AND objective=?"
                                             " AND canonical=?",
                                         w.tu_key, w.compiler_id, w.hw_class, w.objective, w.config.canonical());
}

Expected<std::vector<LocalRejection>> Store::rejections() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->all_rows<LocalRejection>(rejection_from_row,
                                        std::string(kRejectionColumns) + " ORDER BY source_rel, created");
}

Expected<std::vector<LocalRejection>> Store::rejections_for_tu(const std::string& tu_key) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->all_rows<LocalRejection>(rejection_from_row,
                                        std::string(kRejectionColumns) + " WHERE tu_key=? ORDER BY created", tu_key);
}

static Status delete_by_key(Database& db, const std::string& tu_key, const std::string& compiler_id,
                            const std::string& hw_class, const std::string& objective, const TuneConfig& config) {
  return db.run("DELETE FROM rejections WHERE tu_key=? AND compiler_id=? AND hw_class=? AND objective=?"
                " AND canonical=?",
                tu_key, compiler_id, hw_class, objective, config.canonical());
}

Status Store::clear_rejection(const WinnerRecord& w) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return delete_by_key(*m_db, w.tu_key, w.compiler_id, w.hw_class, w.objective, w.config);
}

Status Store::delete_rejection(const LocalRejection& r) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return delete_by_key(*m_db, r.tu_key, r.compiler_id, r.hw_class, r.objective, r.config);
}

Status Store::clear_rejections_for_tu(const std::string& tu_key) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("DELETE FROM rejections WHERE tu_key=?", tu_key);
}

Status Store::clear_rejections() {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->exec("DELETE FROM rejections");
}

} // namespace llmcc
