#include "report/report_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "hwdetect/host.h"
#include "tuner/planner_worth.h"
#include "tuner/statistics.h"
#include "util/strings.h"

namespace llmcc::report {

namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(); }

std::vector<double> numbers_of(const json& j) {
  std::vector<double> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_number()) {
        out.push_back(v.get<double>());
      }
    }
  }
  return out;
}

bool same_source(const std::string& absolute, const std::string& rel) {
  return absolute == rel || ends_with(absolute, "/" + rel);
}

TuneConfig reference_config(bool native) {
  TuneConfig c;
  c.opt_level = "-O3";
  if (native) {
    c.options = {"-march=native"};
  }
  return c;
}

// The TU's screening trial of a reference config, as a speedup over the plain
// build (identical code counts as 1).
std::optional<double> reference_speedup(const std::vector<TrialRow>& trials, const TuneConfig& ref) {
  for (const auto& t : trials) {
    if (t.planner == "confirm" || !(t.config == ref)) {
      continue;
    }
    if (t.verdict == Verdict::Identical) {
      return 1.0;
    }
    if (t.verdict == Verdict::Ok && t.speedup) {
      return *t.speedup;
    }
  }
  return std::nullopt;
}

// The winner's gain over a reference measured in the same session: its confirmed
// interval divided by the reference's screening speedup (whose own uncertainty
// is not in the interval).
json gain_over(const std::optional<WinnerRecord>& w, std::optional<double> ref) {
  if (!w || !ref || *ref <= 0) {
    return json();
  }
  return {{"reference", *ref},
          {"speedup", w->speedup / *ref},
          {"low", w->speedup_low / *ref},
          {"high", w->speedup_high / *ref}};
}

// The options a config adds to the build's own compile of the TU.
json options_added(const TuneConfig& c, const std::vector<std::string>& build_argv) {
  json out = json::array();
  std::set<std::string> have(build_argv.begin(), build_argv.end());
  std::string build_opt;
  for (const auto& a : build_argv) {
    if (starts_with(a, "-O")) {
      build_opt = a;
    }
  }
  if (!c.opt_level.empty() && c.opt_level != build_opt) {
    out.push_back(c.opt_level);
  }
  for (const auto& o : c.options) {
    std::string last_word = o.substr(o.rfind(' ') + 1);
    if (!have.count(o) && !have.count(last_word)) {
      out.push_back(o);
    }
  }
  if (!c.pipeline.empty()) {
    out.push_back("passes=" + c.pipeline);
  }
  return out;
}

json convergence_of(const std::vector<TrialRow>& trials) {
  json points = json::array();
  std::map<std::string, double> best; // per planner
  std::map<std::string, int> count;
  for (const auto& t : trials) {
    if (t.planner == "confirm") {
      continue;
    }
    double& b = best.emplace(t.planner, 1.0).first->second;
    if (t.verdict == Verdict::Ok && t.speedup) {
      b = std::max(b, *t.speedup);
    }
    points.push_back({{"trial", ++count[t.planner]},
                      {"planner", t.planner},
                      {"op", t.op},
                      {"verdict", std::string(to_string(t.verdict))},
                      {"failed", is_failure(t.verdict)},
                      {"speedup", optional_number(t.speedup)},
                      {"best", b},
                      {"config", t.config.display()}});
  }
  return points;
}

} // namespace

json run_stats(const std::vector<double>& runs) {
  if (runs.empty()) {
    return json();
  }
  double lo = *std::min_element(runs.begin(), runs.end());
  double hi = *std::max_element(runs.begin(), runs.end());
  double mid = median(runs);
  return {{"runs", runs.size()}, {"min", lo}, {"median", mid}, {"max", hi}, {"spread", mid != 0 ? (hi - lo) / mid : 0}};
}

Expected<json> collect_report(Store& store, int64_t session_id) {
  auto row = store.session(session_id);
  if (!row) {
    return Error{row.error()};
  }
  if (!*row) {
    return Error{fmt::format("no tuning session {} in the database", session_id)};
  }
  const SessionRow& s = **row;
  auto trials = store.trials(session_id);
  if (!trials) {
    return Error{trials.error()};
  }
  auto winners = store.winners();
  if (!winners) {
    return Error{winners.error()};
  }
  const json summary = s.summary.is_object() ? s.summary : json::object();
  const json args = s.args.is_object() ? s.args : json::object();

  json out;
  out["session"] = {{"id", s.id},
                    {"state", std::string(to_string(s.state))},
                    {"build_dir", s.build_dir},
                    {"created", s.created},
                    {"updated", s.updated},
                    {"objective", args.value("objective", "time")},
                    {"planner", args.value("planner", "builtin")},
                    {"budget", args.value("budget", 0)},
                    {"bench", args.value("bench", std::vector<std::string>{})},
                    {"trials", trials->size()},
                    {"seconds", summary.value("seconds", 0.0)}};

  // Each TU the session tuned, in the summary's order, with its trials.
  std::map<std::string, std::vector<TrialRow>> by_source;
  for (const auto& t : *trials) {
    by_source[t.source].push_back(t);
  }
  std::set<std::string> host_fps, compiler_ids;
  double compile_sec = 0, run_sec = 0, verify_sec = 0;
  json tus = json::array();
  for (const auto& st : summary.value("tus", json::array())) {
    std::string rel = st.value("source", "");
    std::vector<TrialRow> tu_trials;
    std::string absolute;
    for (const auto& [source, rows] : by_source) {
      if (same_source(source, rel)) {
        tu_trials = rows;
        absolute = source;
      }
    }
    std::string tu_key = tu_trials.empty() ? "" : tu_trials.front().tu_key;
    std::optional<WinnerRecord> winner;
    for (const auto& w : *winners) {
      if (w.session_id == session_id && w.tu_key == tu_key && !tu_key.empty()) {
        winner = w;
      }
    }
    json tu = {{"source", rel},
               {"tu_key", tu_key},
               {"status", st.value("status", "")},
               {"reason", st.value("reason", "")},
               {"baseline", st.value("baseline", 0.0)},
               {"trials", st.value("trials", 0)},
               {"failed_trials", st.value("failed_trials", 0)}};
    json gain;
    gain["plain"] = winner ? json{{"speedup", winner->speedup}, {"low", winner->speedup_low},
                                  {"high", winner->speedup_high}}
                           : json();
    gain["o3"] = gain_over(winner, reference_speedup(tu_trials, reference_config(false)));
    gain["o3_native"] = gain_over(winner, reference_speedup(tu_trials, reference_config(true)));
    tu["gain"] = gain;
    tu["convergence"] = convergence_of(tu_trials);

    std::vector<double> base_runs;
    json confirmation = json::array();
    for (const auto& t : tu_trials) {
      compile_sec += t.compile_sec;
      run_sec += t.run_sec;
      verify_sec += t.verify_sec;
      auto b = numbers_of(t.base_samples);
      base_runs.insert(base_runs.end(), b.begin(), b.end());
      if (t.planner == "confirm") {
        confirmation.push_back({{"config", t.config.display()},
                                {"verdict", std::string(to_string(t.verdict))},
                                {"speedup", optional_number(t.speedup)},
                                {"low", optional_number(t.speedup_low)},
                                {"high", optional_number(t.speedup_high)},
                                {"runs", run_stats(numbers_of(t.samples))},
                                {"baseline_runs", run_stats(b)},
                                {"samples", numbers_of(t.samples)},
                                {"base_samples", b}});
      }
    }
    tu["noise"] = {{"baseline_runs", run_stats(base_runs)}, {"base_samples", base_runs},
                   {"confirmation", confirmation}};

    std::vector<std::string> build_argv;
    if (!absolute.empty()) {
      if (auto compiles = store.compiles_of_source(absolute); compiles && !compiles->empty()) {
        build_argv = compiles->front().argv;
        tu["compiler_path"] = compiles->front().compiler;
      }
    }
    if (winner) {
      host_fps.insert(winner->host_fp);
      compiler_ids.insert(winner->compiler_id);
      json found_by;
      for (const auto& t : tu_trials) {
        if (t.planner != "confirm" && t.config == winner->config) {
          found_by = {{"planner", t.planner}, {"op", t.op}};
          break;
        }
      }
      tu["winner"] = {{"id", winner->id},
                      {"config", winner->config.display()},
                      {"adds", options_added(winner->config, build_argv)},
                      {"speedup", winner->speedup},
                      {"low", winner->speedup_low},
                      {"high", winner->speedup_high},
                      {"baseline", winner->baseline},
                      {"best", winner->best},
                      {"origin", winner->origin},
                      {"session", winner->session_id},
                      {"found_by", found_by},
                      {"rationale", winner->rationale},
                      {"compiler_id", winner->compiler_id},
                      {"host", winner->host_fp},
                      {"hw_class", winner->hw_class},
                      {"created", winner->created},
                      {"undo", "llmcc forget " + quote_for_display({winner->source_rel})}};
    } else {
      tu["winner"] = json();
    }
    tus.push_back(tu);
  }
  out["tus"] = tus;
  out["program"] = summary.contains("program") ? summary["program"] : json();

  PlannerWorth worth = PlannerWorth::from_json(summary.value("worth", json::object()));
  double llm_sec = worth.usage ? worth.usage->wait_sec : 0;
  double total = summary.value("seconds", 0.0);
  out["time"] = {{"total_sec", total},
                 {"compile_sec", compile_sec},
                 {"run_sec", run_sec},
                 {"verify_sec", verify_sec},
                 {"llm_sec", llm_sec},
                 {"other_sec", std::max(0.0, total - compile_sec - run_sec - verify_sec - llm_sec)}};
  out["llm"] = worth.usage ? worth.usage->to_json() : json();
  out["worth"] = worth.to_json();
  out["notes"] = summary.value("notes", json::array());

  // The hardware the winners were found on, else this machine.
  if (host_fps.empty()) {
    host_fps.insert(hw::detect_host().fingerprint());
  }
  json hosts = json::array();
  for (const auto& fp : host_fps) {
    auto h = store.host(fp);
    json entry = {{"fingerprint", fp}};
    if (h && *h) {
      entry["hw_class"] = (**h)["hw_class"];
      entry["info"] = (**h)["info"];
    }
    hosts.push_back(entry);
  }
  out["hardware"] = hosts;
  json compilers = json::array();
  for (const auto& id : compiler_ids) {
    if (auto c = store.compiler(id); c && *c) {
      compilers.push_back({{"id", id},
                           {"path", (*c)->path},
                           {"family", std::string(family_name((*c)->family))},
                           {"version", (*c)->version},
                           {"target", (*c)->target},
                           {"version_text", (*c)->version_text}});
    }
  }
  out["compilers"] = compilers;
  return out;
}

} // namespace llmcc::report
