#include "cache/bundle/trial_history.h"

#include "cache/bundle/field_checks.h"

#include <fmt/format.h>

#include <set>

namespace llmcc {

namespace {

using namespace bundle_fields;

constexpr double kMaxSeconds = 1e7; // a trial that took longer than ~4 months is not one

nlohmann::json optional_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// Scores are plain numbers; anything else (or too many) drops the list, not the row.
nlohmann::json checked_samples(const nlohmann::json& j) {
  if (!j.is_array() || j.size() > kMaxHistorySamples) {
    return nlohmann::json::array();
  }
  for (const auto& v : j) {
    if (!v.is_number() || !finite_in(v.get<double>(), -1e300, 1e300)) {
      return nlohmann::json::array();
    }
  }
  return j;
}

HistoryCheck reject(std::string category, std::string detail) {
  HistoryCheck c;
  c.reason = detail.empty() ? category : category + ": " + detail;
  c.category = std::move(category);
  return c;
}

// A present number must be finite and in range; absent (null) is allowed.
bool optional_in(const nlohmann::json& row, const char* key, double lo, double hi, std::optional<double>* out) {
  auto it = row.find(key);
  if (it == row.end() || it->is_null()) {
    *out = std::nullopt;
    return true;
  }
  if (!it->is_number() || !finite_in(it->get<double>(), lo, hi)) {
    return false;
  }
  *out = it->get<double>();
  return true;
}

bool seconds_in(const nlohmann::json& row, const char* key, double* out) {
  auto it = row.find(key);
  if (it == row.end() || it->is_null()) {
    *out = 0;
    return true;
  }
  if (!it->is_number() || !finite_in(it->get<double>(), 0, kMaxSeconds)) {
    return false;
  }
  *out = it->get<double>();
  return true;
}

} // namespace

bool shares_trial_verdict(Verdict v) {
  // Refused before building, or not measurable by this host's tool: neither
  // says anything about the code on another host.
  static constexpr Verdict kNothingOfTheCode[] = {Verdict::Rejected, Verdict::Unmeasurable};
  for (Verdict refused : kNothingOfTheCode) {
    if (v == refused) {
      return false;
    }
  }
  return true;
}

nlohmann::json history_entry(const TrialRow& t, const WinnerRecord& w) {
  return {{"tu_key", t.tu_key},
          {"compiler_id", w.compiler_id},
          {"source_rel", w.source_rel},
          {"objective", t.objective},
          {"config", t.config.to_json()},
          {"planner", t.planner},
          {"op", t.op},
          {"verdict", std::string(to_string(t.verdict))},
          {"score", optional_number(t.score)},
          {"speedup", optional_number(t.speedup)},
          {"speedup_low", optional_number(t.speedup_low)},
          {"speedup_high", optional_number(t.speedup_high)},
          {"samples", checked_samples(t.samples)},
          {"base_samples", checked_samples(t.base_samples)},
          {"compile_sec", t.compile_sec},
          {"run_sec", t.run_sec},
          {"verify_sec", t.verify_sec},
          {"created", t.created}};
}

HistoryCheck check_history_entry(const nlohmann::json& row, const Bundle& bundle, const SafetyPolicy& policy,
                                 int64_t now) {
  if (!row.is_object()) {
    return reject("malformed", "history row is not an object");
  }
  TrialRow t;
  std::string compiler_id, source_rel, verdict;
  try {
    t.tu_key = row.at("tu_key").get<std::string>();
    compiler_id = row.at("compiler_id").get<std::string>();
    source_rel = row.at("source_rel").get<std::string>();
    t.objective = row.at("objective").get<std::string>();
    verdict = row.at("verdict").get<std::string>();
    t.planner = row.value("planner", "");
    t.op = row.value("op", "");
    t.created = row.value("created", int64_t{0});
  } catch (const std::exception& e) {
    return reject("malformed", e.what());
  }
  if (!is_hex(t.tu_key) || !is_hex(compiler_id)) {
    return reject("bad key", "tu_key and compiler_id must be lower-case hex");
  }
  if (std::string p = path_problem(source_rel); !p.empty()) {
    return reject("bad path", p);
  }
  if (!is_plain_name(t.objective, "_-")) {
    return reject("bad objective", printable_name(t.objective));
  }
  // Planner and operator names are llmcc's own words ("llm", "search", "mutate:-O3").
  for (const std::string* name : {&t.planner, &t.op}) {
    if (!name->empty() && (!is_plain_name(*name, "_-.:=+ ,/") || has_control(*name))) {
      return reject("bad name", "planner or operator has characters outside llmcc's names");
    }
  }
  auto v = verdict_from_string(verdict);
  if (!v) {
    return reject("bad verdict", printable_name(verdict));
  }
  t.verdict = *v;
  if (!optional_in(row, "score", -1e300, 1e300, &t.score) || !optional_in(row, "speedup", 0, 1e6, &t.speedup) ||
      !optional_in(row, "speedup_low", 0, 1e6, &t.speedup_low) ||
      !optional_in(row, "speedup_high", 0, 1e6, &t.speedup_high) || !seconds_in(row, "compile_sec", &t.compile_sec) ||
      !seconds_in(row, "run_sec", &t.run_sec) || !seconds_in(row, "verify_sec", &t.verify_sec)) {
    return reject("bad evidence", "non-finite or out-of-range numbers");
  }
  const CompilerIdentity* compiler = nullptr;
  for (const auto& c : bundle.compilers) {
    if (c.id == compiler_id) {
      compiler = &c;
    }
  }
  if (!compiler || compiler->family == CompilerFamily::Unknown) {
    return reject("unknown compiler", "the bundle does not say which compiler family it is for");
  }
  auto config =
      row.contains("config") ? TuneConfig::from_json(row["config"]) : Expected<TuneConfig>(Error{"no config"});
  if (!config) {
    return reject("malformed", config.error().message);
  }
  if (auto violations = check_config(*config, compiler->family, policy); !violations.empty()) {
    return reject("forbidden config", describe_violations(violations));
  }
  // After the config check: a forbidden config is reported as that, whatever its verdict.
  if (!shares_trial_verdict(t.verdict)) {
    return reject("refused by the tuner", std::string(to_string(t.verdict)));
  }
  t.config = std::move(*config);
  t.samples = checked_samples(row.value("samples", nlohmann::json::array()));
  t.base_samples = checked_samples(row.value("base_samples", nlohmann::json::array()));
  if (t.created <= 0 || t.created > now + 86400) {
    t.created = now;
  }
  t.source = source_rel; // this host's paths are its own: the trial names the project-relative source
  HistoryCheck ok;
  ok.trial = std::move(t);
  return ok;
}

std::string trial_identity(const TrialRow& t) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", t.tu_key, t.config.canonical(), t.objective, t.planner, t.op,
                     to_string(t.verdict), t.created, t.score ? fmt::format("{:.17g}", *t.score) : "-");
}

nlohmann::json HistoryReport::to_json() const {
  return {{"present", present},
          {"added", added},
          {"skipped", skipped},
          {"rejected", rejected},
          {"rejected_by_reason", rejected_by_reason}};
}

Status merge_history(Store& store, const Bundle& bundle, const HistoryImport& options, HistoryReport& report) {
  report.present = bundle.history_version == kBundleHistoryVersion;
  if (!report.present) {
    return Status::success();
  }
  const int64_t now = now_unix();
  // The session's build_dir names the bundle and its origin, so a second import
  // of the same bundle finds it rather than making another.
  const std::string session_key = fmt::format("import:{}:{}@{}", options.origin, bundle.provenance.host_fp,
                                              bundle.provenance.created);
  std::optional<int64_t> session_id;
  std::map<std::string, std::set<std::string>> known; // tu_key -> identities stored here
  for (const auto& row : bundle.history) {
    HistoryCheck check = check_history_entry(row, bundle, options.policy, now);
    if (!check.trial) {
      ++report.rejected;
      ++report.rejected_by_reason[check.category];
      continue;
    }
    TrialRow& t = *check.trial;
    auto [it, fresh] = known.try_emplace(t.tu_key);
    if (fresh) {
      auto here = store.trials_for_tu(t.tu_key);
      if (!here) {
        return Status{Error{here.error()}};
      }
      for (const auto& h : *here) {
        it->second.insert(trial_identity(h));
      }
    }
    if (!it->second.insert(trial_identity(t)).second) {
      ++report.skipped;
      continue;
    }
    if (!session_id) {
      auto existing = store.latest_session(session_key);
      if (!existing) {
        return Status{Error{existing.error()}};
      }
      if (*existing) {
        session_id = (*existing)->id;
      } else {
        nlohmann::json args = {{"imported",
                                {{"via", options.origin},
                                 {"from", options.from},
                                 {"exported_by", bundle.provenance.host_fp},
                                 {"exported_class", bundle.provenance.hw_class},
                                 {"llmcc_version", bundle.provenance.llmcc_version},
                                 {"exported", bundle.provenance.created}}}};
        auto id = store.create_session(session_key, args);
        if (!id) {
          return Status{Error{id.error()}};
        }
        if (Status s = store.update_session(*id, SessionState::Done, nlohmann::json::object()); !s) {
          return s;
        }
        session_id = *id;
      }
    }
    t.session_id = *session_id;
    t.detail = "imported from host " + printable_name(bundle.provenance.host_fp);
    if (auto id = store.add_trial(t); !id) {
      return Status{Error{id.error()}};
    }
    ++report.added;
  }
  return Status::success();
}

} // namespace llmcc
