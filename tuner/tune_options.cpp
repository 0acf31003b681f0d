#include "tuner/tune_options.h"

#include "util/enum_names.h"

namespace llmcc {

namespace {

constexpr EnumNames<TuStatus, 9> kTuStatusNames = {{
    {TuStatus::Planned, "planned"},
    {TuStatus::Tuned, "tuned"},
    {TuStatus::NoGain, "no_gain"},
    {TuStatus::Skipped, "skipped"},
    {TuStatus::Failed, "failed"},
    {TuStatus::Interrupted, "interrupted"},
    {TuStatus::Confirmed, "confirmed"},
    {TuStatus::Dropped, "dropped"},
    {TuStatus::ClaimedElsewhere, "claimed_elsewhere"},
}};

} // namespace

std::string_view to_string(TuStatus s) {
  return name_of(kTuStatusNames, s, "failed");
}

nlohmann::json TuneOptions::to_json() const {
  nlohmann::json j = {{"build_dir", build_dir},     {"bench", bench},
          {"bench_format", bench_format}, {"bench_regex", bench_regex},
          {"higher_is_better", higher_is_better}, {"verify", verify},
          {"compare_output", compare_output}, {"objective", objective},
          {"budget", budget},           {"time_limit_sec", time_limit_sec},
          {"tus", tus},                 {"target", target},
          {"binary", binary},           {"build_cmd", build_cmd},
          {"planner", planner},         {"seed", seed},
          {"repeats", repeats},         {"max_tus", max_tus},
          {"min_gain", min_gain},       {"allow_unsafe_math", allow_unsafe_math},
          {"pgo", pgo},                 {"bench_holdout", bench_holdout}};
  if (reconfirm) {
    j["reconfirm"] = true;
  }
  return j;
}

TuneOptions TuneOptions::from_json(const nlohmann::json& j) {
  TuneOptions o;
  o.build_dir = j.value("build_dir", "");
  o.bench = j.value("bench", std::vector<std::string>{});
  o.bench_format = j.value("bench_format", "auto");
  o.bench_regex = j.value("bench_regex", "");
  o.higher_is_better = j.value("higher_is_better", false);
  o.verify = j.value("verify", std::vector<std::string>{});
  o.compare_output = j.value("compare_output", "auto");
  o.objective = j.value("objective", "time");
  o.budget = j.value("budget", 30);
  o.time_limit_sec = j.value("time_limit_sec", 0.0);
  o.tus = j.value("tus", std::vector<std::string>{});
  o.target = j.value("target", "");
  o.binary = j.value("binary", "");
  o.build_cmd = j.value("build_cmd", std::vector<std::string>{});
  o.planner = j.value("planner", "builtin");
  o.seed = j.value("seed", uint64_t{1});
  o.repeats = j.value("repeats", 5);
  o.max_tus = j.value("max_tus", 3);
  o.min_gain = j.value("min_gain", 0.01);
  o.allow_unsafe_math = j.value("allow_unsafe_math", false);
  o.pgo = j.value("pgo", "");
  o.bench_holdout = j.value("bench_holdout", std::vector<std::string>{});
  o.reconfirm = j.value("reconfirm", false);
  return o;
}

nlohmann::json TuneSummary::to_json() const {
  nlohmann::json tus_json = nlohmann::json::array();
  for (const auto& t : tus) {
    tus_json.push_back({{"source", t.source_rel},
                        {"status", std::string(to_string(t.status))},
                        {"reason", t.reason},
                        {"baseline", t.baseline},
                        {"best", t.best},
                        {"speedup", t.speedup},
                        {"speedup_low", t.speedup_low},
                        {"speedup_high", t.speedup_high},
                        {"config", t.config},
                        {"trials", t.trials},
                        {"failed_trials", t.failed_trials},
                        {"repeats", t.repeats},
                        {"profile_trials", t.profile_trials}});
  }
  nlohmann::json j = {{"session", session_id}, {"state", std::string(to_string(state))},   {"objective", objective},
                      {"tus", tus_json},       {"trials", trials}, {"profile_trials", profile_trials}, {"seconds", seconds},
                      {"notes", notes}, {"worth", worth.to_json()}};
  if (program_measured) {
    j["program"] = {{"speedup", program_speedup}, {"low", program_low}, {"high", program_high}};
    if (native_measured) {
      j["program"]["vs_native"] = {{"speedup", native_speedup}, {"low", native_low}, {"high", native_high}};
    }
  }
  return j;
}

std::vector<SessionWinner> TuneSummary::winners() const {
  std::vector<SessionWinner> out;
  for (const auto& t : tus) {
    if (t.status == TuStatus::Tuned) {
      out.push_back({t.source_rel, t.config});
    }
  }
  return out;
}

} // namespace llmcc
