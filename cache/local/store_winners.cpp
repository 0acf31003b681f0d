// Tuned configs: the winners the compile path looks up, and the TUs they are for.
#include "cache/local/store.h"

namespace llmcc {

Expected<bool> Store::has_winner_for_source(const std::string& compiler_id,
                                            const std::string& source_base) {
  return m_db->has_row("SELECT 1 FROM winners WHERE compiler_id=? AND source_base=? LIMIT 1", compiler_id, source_base);
}

Expected<bool> Store::has_candidate_winner(const std::string& compiler_id,
                                           const std::string& host_fp, const std::string& hw_class,
                                           const std::string& source_base) {
  return m_db->has_row("SELECT 1 FROM winners WHERE compiler_id=? AND source_base=?"
                       " AND (host_fp=? OR hw_class=?) LIMIT 1",
                       compiler_id, source_base, host_fp, hw_class);
}

static const char* kWinnerColumns =
    "w.id, w.tu_key, w.source_rel, w.source_base, w.compiler_id, w.host_fp, w.hw_class, "
    "w.objective,"
    " c.json, w.baseline, w.best, w.speedup, w.speedup_low, w.speedup_high, w.session_id,"
    " w.rationale, w.origin, w.created, w.provenance, w.trials FROM winners w JOIN configs c ON c.id = w.config_id";

// Reads a row of kWinnerColumns.
static Expected<WinnerRecord> winner_from_row(const Statement& st) {
  WinnerRecord w;
  w.id = st.integer(0);
  w.tu_key = st.text(1);
  w.source_rel = st.text(2);
  w.source_base = st.text(3);
  w.compiler_id = st.text(4);
  w.host_fp = st.text(5);
  w.hw_class = st.text(6);
  w.objective = st.text(7);
  auto cfg = TuneConfig::parse(st.text(8));
  if (!cfg) {
    return Error{"stored config is malformed: " + cfg.error().message};
  }
  w.config = *cfg;
  w.baseline = st.real(9);
  w.best = st.real(10);
  w.speedup = st.real(11);
  w.speedup_low = st.real(12);
  w.speedup_high = st.real(13);
  w.session_id = st.integer(14);
  w.rationale = st.text(15);
  w.origin = st.text(16);
  w.created = st.integer(17);
  w.provenance = st.text(18);
  w.trials = st.integer(19);
  return w;
}

// The newest winner for a compiler by one lookup's key (tu_key or source_rel),
// within its scope (the exact host or the hardware class).
static Expected<std::optional<WinnerRecord>> newest_winner(Database& db, const char* key_column,
                                                           const char* scope_column, const std::string& key,
                                                           const std::string& compiler_id, const std::string& scope) {
  return db.first_row<WinnerRecord>(winner_from_row,
                                    std::string("SELECT ") + kWinnerColumns + " WHERE w." + key_column +
                                        "=? AND w.compiler_id=? AND w." + scope_column +
                                        "=? ORDER BY w.created DESC, w.id DESC LIMIT 1",
                                    key, compiler_id, scope);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_exact(const std::string& tu_key,
                                                               const std::string& compiler_id,
                                                               const std::string& host_fp) {
  return newest_winner(*m_db, "tu_key", "host_fp", tu_key, compiler_id, host_fp);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_nearest(const std::string& source_rel,
                                                                 const std::string& compiler_id,
                                                                 const std::string& hw_class) {
  return newest_winner(*m_db, "source_rel", "hw_class", source_rel, compiler_id, hw_class);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_by_key(const std::string& tu_key,
                                                                const std::string& compiler_id,
                                                                const std::string& host_fp,
                                                                const std::string& objective) {
  return m_db->first_row<WinnerRecord>(winner_from_row,
                                       std::string("SELECT ") + kWinnerColumns +
                                           " WHERE w.tu_key=? AND w.compiler_id=? AND w.host_fp=? AND w.objective=?",
                                       tu_key, compiler_id, host_fp, objective);
}

Status Store::put_tu(const std::string& tu_key, const std::string& source_rel,
                     const std::string& compiler_id, const std::string& base_flags) {
  return m_db->run("INSERT OR IGNORE INTO tus(tu_key, source_rel, compiler_id, base_flags, created)"
                   " VALUES(?,?,?,?,?)",
                   tu_key, source_rel, compiler_id, base_flags, now_unix());
}

Status Store::put_winner(const WinnerRecord& w) {
  auto cid = intern_config(w.config);
  if (!cid) {
    return Error{cid.error()};
  }
  return m_db->run(
      "INSERT INTO winners(tu_key, source_rel, source_base, compiler_id, host_fp, hw_class,"
      " objective, config_id, baseline, best, speedup, speedup_low, speedup_high, session_id,"
      " rationale, origin, created, provenance, trials) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
      " ON CONFLICT(tu_key, compiler_id, host_fp, objective) DO UPDATE SET"
      " source_rel=excluded.source_rel, source_base=excluded.source_base,"
      " hw_class=excluded.hw_class, config_id=excluded.config_id, baseline=excluded.baseline,"
      " best=excluded.best, speedup=excluded.speedup, speedup_low=excluded.speedup_low,"
      " speedup_high=excluded.speedup_high, session_id=excluded.session_id,"
      " rationale=excluded.rationale, origin=excluded.origin, created=excluded.created,"
      " provenance=excluded.provenance, trials=excluded.trials",
      w.tu_key, w.source_rel, w.source_base, w.compiler_id, w.host_fp, w.hw_class, w.objective,
      *cid, w.baseline, w.best, w.speedup, w.speedup_low, w.speedup_high, w.session_id, w.rationale,
      w.origin, w.created ? w.created : now_unix(), w.provenance, w.trials);
}

Expected<std::vector<WinnerRecord>> Store::winners() {
  return m_db->all_rows<WinnerRecord>(winner_from_row,
                                      std::string("SELECT ") + kWinnerColumns + " ORDER BY w.source_rel, w.created");
}

Status Store::delete_winner(int64_t id) {
  return m_db->run("DELETE FROM winners WHERE id=?", id);
}

} // namespace llmcc
