// Tuning sessions and every trial they ran.
#include "cache/local/store.h"

namespace llmcc {

Expected<int64_t> Store::create_session(const std::string& build_dir, const nlohmann::json& args) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  int64_t now = now_unix();
  if (Status s = m_db->run(
          "INSERT INTO sessions(state, build_dir, args_json, created, updated) VALUES(?,?,?,?,?)",
          to_string(SessionState::Running), build_dir, args.dump(), now, now);
      !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

Status Store::update_session(int64_t id, SessionState state, const nlohmann::json& summary) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("UPDATE sessions SET state=?, summary_json=?, updated=? WHERE id=?",
                   to_string(state), summary.dump(), now_unix(), id);
}

static const char* kSessionColumns =
    "id, state, build_dir, args_json, summary_json, created, updated FROM sessions";

// Reads a row of kSessionColumns.
static SessionRow session_from_row(const Statement& st) {
  SessionRow s;
  s.id = st.integer(0);
  s.state = session_state_from_string(st.text(1)).value_or(SessionState::Failed);
  s.build_dir = st.text(2);
  s.args = nlohmann::json::parse(st.text(3), nullptr, false);
  std::string summary = st.text(4);
  s.summary =
      summary.empty() ? nlohmann::json::object() : nlohmann::json::parse(summary, nullptr, false);
  s.created = st.integer(5);
  s.updated = st.integer(6);
  return s;
}

Expected<std::optional<SessionRow>> Store::session(int64_t id) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<SessionRow>(session_from_row, std::string("SELECT ") + kSessionColumns + " WHERE id=?", id);
}

Expected<std::optional<SessionRow>> Store::latest_session(const std::string& build_dir) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<SessionRow>(
      session_from_row, std::string("SELECT ") + kSessionColumns + " WHERE build_dir=? ORDER BY id DESC LIMIT 1",
      build_dir);
}

Expected<int64_t> Store::add_trial(const TrialRow& t) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  auto cid = intern_config(t.config);
  if (!cid) {
    return Error{cid.error()};
  }
  if (Status s = m_db->run(
          "INSERT INTO trials(session_id, tu_key, source, config_id, planner, operator, verdict,"
          " detail, objective, score, samples_json, speedup, speedup_low, speedup_high, "
          "compile_sec,"
          " object_hash, created, base_samples_json, run_sec, verify_sec)"
          " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          t.session_id, t.tu_key, t.source, *cid, t.planner, t.op, to_string(t.verdict), t.detail,
          t.objective, t.score, t.samples.is_null() ? std::string("[]") : t.samples.dump(),
          t.speedup, t.speedup_low, t.speedup_high, t.compile_sec, t.object_hash,
          t.created ? t.created : now_unix(),
          t.base_samples.is_null() ? std::string("[]") : t.base_samples.dump(), t.run_sec, t.verify_sec);
      !s) {
    return Error{s.message()};
  }
  return m_db->last_insert_id();
}

static const char* kTrialColumns =
    "t.id, t.session_id, t.tu_key, t.source, c.json, t.planner, t.operator, t.verdict, t.detail,"
    " t.objective, t.score, t.samples_json, t.speedup, t.speedup_low, t.speedup_high, "
    "t.compile_sec,"
    " t.object_hash, t.created, t.base_samples_json, t.run_sec, t.verify_sec FROM trials t JOIN configs c ON c.id = t.config_id";

// Reads a row of kTrialColumns; nullopt for a row that is skipped, not fatal (a
// malformed stored config, a verdict this llmcc does not know).
static std::optional<TrialRow> trial_from_row(const Statement& row) {
  TrialRow t;
  t.id = row.integer(0);
  t.session_id = row.integer(1);
  t.tu_key = row.text(2);
  t.source = row.text(3);
  auto cfg = TuneConfig::parse(row.text(4));
  if (!cfg) {
    return std::nullopt;
  }
  t.config = *cfg;
  t.planner = row.text(5);
  t.op = row.text(6);
  auto verdict = verdict_from_string(row.text(7));
  if (!verdict) {
    return std::nullopt;
  }
  t.verdict = *verdict;
  t.detail = row.text(8);
  t.objective = row.text(9);
  auto opt = [&](int col) { return row.is_null(col) ? std::optional<double>() : row.real(col); };
  t.score = opt(10);
  t.samples = nlohmann::json::parse(row.text(11), nullptr, false);
  t.speedup = opt(12);
  t.speedup_low = opt(13);
  t.speedup_high = opt(14);
  t.compile_sec = row.real(15);
  t.object_hash = row.text(16);
  t.created = row.integer(17);
  t.base_samples = row.is_null(18) ? nlohmann::json::array() : nlohmann::json::parse(row.text(18), nullptr, false);
  t.run_sec = row.is_null(19) ? 0 : row.real(19);
  t.verify_sec = row.is_null(20) ? 0 : row.real(20);
  return t;
}

static Expected<std::vector<TrialRow>> all_trials(Expected<Statement> st) {
  if (!st) {
    return Error{st.error()};
  }
  std::vector<TrialRow> out;
  Status s = st->each_row([&](const Statement& row) {
    if (auto t = trial_from_row(row)) {
      out.push_back(std::move(*t));
    }
  });
  if (!s) {
    return Error{s.message()};
  }
  return out;
}

Expected<std::vector<TrialRow>> Store::trials(int64_t session_id) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return all_trials(m_db->query(
      std::string("SELECT ") + kTrialColumns + " WHERE t.session_id=? ORDER BY t.id", session_id));
}

Expected<std::vector<TrialRow>> Store::trials_for_tu(const std::string& tu_key) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return all_trials(m_db->query(
      std::string("SELECT ") + kTrialColumns + " WHERE t.tu_key=? ORDER BY t.id", tu_key));
}

} // namespace llmcc
