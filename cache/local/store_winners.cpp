// Tuned configs: the winners the compile path looks up, and the TUs they are for.
#include "cache/local/store.h"

#include "util/fs.h"

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

// What the two lookups select by, each through an index (schema step 8 -> 9):
// the exact one by the winners' unique key (TU key, compiler, host), the
// nearest by the file name (from the path), compiler, path and class.
static constexpr const char* kExactWhere = " WHERE w.tu_key=? AND w.compiler_id=? AND w.host_fp=?";
static constexpr const char* kNearestWhere =
    " WHERE w.source_base=? AND w.compiler_id=? AND w.source_rel=? AND w.hw_class=?";

Expected<std::optional<WinnerRecord>> Store::find_winner_exact(const std::string& tu_key,
                                                               const std::string& compiler_id,
                                                               const std::string& host_fp) {
  return m_db->first_row<WinnerRecord>(winner_from_row,
                                       std::string("SELECT ") + kWinnerColumns + kExactWhere +
                                           " ORDER BY w.created DESC, w.id DESC LIMIT 1",
                                       tu_key, compiler_id, host_fp);
}

Expected<std::optional<WinnerRecord>> Store::find_winner_nearest(const std::string& source_rel,
                                                                 const std::string& compiler_id,
                                                                 const std::string& hw_class) {
  return m_db->first_row<WinnerRecord>(winner_from_row,
                                       std::string("SELECT ") + kWinnerColumns + kNearestWhere +
                                           " ORDER BY w.created DESC, w.id DESC LIMIT 1",
                                       fs::base_name(source_rel), compiler_id, source_rel, hw_class);
}

namespace {

// The newest (created, then id) of the rows a compile's lookup matched: one per
// objective at most, so chosen here; ORDER BY would cost a sorter, and the
// twenty columns of a whole record cost their names, in every compile's
// prepare (0.2 M instructions together, docs/benchmarks.md §9).
template <typename... Args>
Expected<std::optional<TuneConfig>> newest_config(Database& db, const char* where, const Args&... args) {
  std::optional<std::pair<int64_t, int64_t>> newest;
  std::string json;
  Status read = db.with_query(
      [&](Statement& st) {
        return st.each_row([&](const Statement& r) {
          const std::pair<int64_t, int64_t> at{r.integer(1), r.integer(2)};
          if (!newest || at > *newest) {
            newest = at;
            json = r.text(0);
          }
        });
      },
      std::string("SELECT c.json, w.created, w.id FROM winners w JOIN configs c ON c.id = w.config_id") + where,
      args...);
  if (!read) {
    return Error{read.message()};
  }
  if (!newest) {
    return std::optional<TuneConfig>();
  }
  auto cfg = TuneConfig::parse(json);
  if (!cfg) {
    return Error{"stored config is malformed: " + cfg.error().message};
  }
  return std::optional<TuneConfig>(std::move(*cfg));
}

} // namespace

Expected<std::optional<TuneConfig>> Store::winner_config_exact(const std::string& tu_key,
                                                               const std::string& compiler_id,
                                                               const std::string& host_fp) {
  return newest_config(*m_db, kExactWhere, tu_key, compiler_id, host_fp);
}

Expected<std::optional<TuneConfig>> Store::winner_config_nearest(const std::string& source_rel,
                                                                 const std::string& compiler_id,
                                                                 const std::string& hw_class) {
  return newest_config(*m_db, kNearestWhere, fs::base_name(source_rel), compiler_id, source_rel, hw_class);
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
  if (Status s = open_tuning(); !s) {
    return s;
  }
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
