#include "cache/records.h"

#include "util/enum_names.h"

#include <ctime>

namespace llmcc {

int64_t now_unix() { return static_cast<int64_t>(std::time(nullptr)); }

namespace {

// The spellings are the database's (and --json's); keep them stable.
constexpr EnumNames<Verdict, 13> kVerdictNames = {{
    {Verdict::Ok, "ok"},
    {Verdict::Identical, "identical"},
    {Verdict::CompileError, "compile_error"},
    {Verdict::Crash, "crash"},
    {Verdict::Timeout, "timeout"},
    {Verdict::Mismatch, "mismatch"},
    {Verdict::VerifyFailed, "verify_failed"},
    {Verdict::Rejected, "rejected"},
    {Verdict::BaselineFailed, "baseline_failed"},
    {Verdict::Interrupted, "interrupted"},
    {Verdict::NotConfirmed, "not_confirmed"},
    {Verdict::ProfileMismatch, "profile_mismatch"},
    {Verdict::Unmeasurable, "unmeasurable"},
}};

constexpr EnumNames<SessionState, 5> kSessionStateNames = {{
    {SessionState::Running, "running"},
    {SessionState::Done, "done"},
    {SessionState::Interrupted, "interrupted"},
    {SessionState::Failed, "failed"},
    {SessionState::DryRun, "dry-run"},
}};

} // namespace

std::string_view to_string(Verdict v) { return name_of(kVerdictNames, v); }
std::optional<Verdict> verdict_from_string(std::string_view s) { return from_names(kVerdictNames, s); }

bool is_failure(Verdict v) { return v != Verdict::Ok && v != Verdict::Identical; }

std::string_view to_string(SessionState s) { return name_of(kSessionStateNames, s); }
std::optional<SessionState> session_state_from_string(std::string_view s) {
  return from_names(kSessionStateNames, s);
}

nlohmann::json CapturedCommand::to_json() const {
  return {{"kind", kind},     {"cwd", cwd},           {"argv", argv},
          {"compiler", compiler}, {"source", source}, {"output", output},
          {"language", language}, {"inputs", inputs}, {"project_root", project_root},
          {"updated", updated}};
}

Expected<CapturedCommand> CapturedCommand::from_json(const nlohmann::json& j) {
  try {
    CapturedCommand c;
    c.kind = j.at("kind").get<std::string>();
    c.cwd = j.at("cwd").get<std::string>();
    c.argv = j.at("argv").get<std::vector<std::string>>();
    c.compiler = j.at("compiler").get<std::string>();
    c.source = j.value("source", "");
    c.output = j.at("output").get<std::string>();
    c.language = j.value("language", "");
    c.inputs = j.value("inputs", std::vector<std::string>{});
    c.project_root = j.value("project_root", "");
    c.updated = j.value("updated", int64_t{0});
    if (c.kind != "compile" && c.kind != "link") {
      return Error{"unknown command kind " + c.kind};
    }
    return c;
  } catch (const std::exception& e) {
    return Error{std::string("malformed command record: ") + e.what()};
  }
}

nlohmann::json WinnerRecord::to_json() const {
  return {{"tu_key", tu_key},
          {"source_rel", source_rel},
          {"source_base", source_base},
          {"compiler_id", compiler_id},
          {"host_fp", host_fp},
          {"hw_class", hw_class},
          {"objective", objective},
          {"config", config.to_json()},
          {"baseline", baseline},
          {"best", best},
          {"speedup", speedup},
          {"speedup_low", speedup_low},
          {"speedup_high", speedup_high},
          {"rationale", rationale},
          {"origin", origin},
          {"provenance", provenance},
          {"trials", trials},
          {"created", created}};
}

Expected<WinnerRecord> WinnerRecord::from_json(const nlohmann::json& j) {
  try {
    WinnerRecord w;
    w.tu_key = j.at("tu_key").get<std::string>();
    w.source_rel = j.at("source_rel").get<std::string>();
    w.source_base = j.at("source_base").get<std::string>();
    w.compiler_id = j.at("compiler_id").get<std::string>();
    w.host_fp = j.at("host_fp").get<std::string>();
    w.hw_class = j.at("hw_class").get<std::string>();
    w.objective = j.at("objective").get<std::string>();
    auto cfg = TuneConfig::from_json(j.at("config"));
    if (!cfg) {
      return Error{cfg.error()};
    }
    w.config = *cfg;
    w.baseline = j.value("baseline", 0.0);
    w.best = j.value("best", 0.0);
    w.speedup = j.value("speedup", 1.0);
    w.speedup_low = j.value("speedup_low", 1.0);
    w.speedup_high = j.value("speedup_high", 1.0);
    w.rationale = j.value("rationale", "");
    w.origin = j.value("origin", "local");
    w.provenance = j.value("provenance", "");
    w.trials = j.value("trials", int64_t{0});
    w.created = j.value("created", int64_t{0});
    return w;
  } catch (const std::exception& e) {
    return Error{std::string("malformed winner record: ") + e.what()};
  }
}

} // namespace llmcc
