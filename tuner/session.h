// `llmcc tune`: the loop that makes a program faster and never wrong.
//
// For each hot TU: measure the baseline, let the planner propose configs, and for
// each one rebuild only that TU (through the build tool), verify the program,
// and measure it interleaved with the baseline. The best candidates are then
// re-measured in fresh interleaved runs (the winner's curse), and only a
// confirmed, statistically real gain is stored. Every trial is written to the
// database as it happens, so a killed session resumes where it stopped.
#pragma once

#include "tuner/objective.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmcc {

class Config;
class Planner;
class Store;

struct TuneOptions {
  std::string build_dir;
  std::vector<std::string> bench;   // benchmark argv
  std::string bench_format = "auto"; // auto, gbench, time, wall, regex
  std::string bench_regex;
  bool higher_is_better = false;
  std::vector<std::string> verify;  // verify argv (optional)
  std::string compare_output = "auto"; // auto, yes, no
  std::string objective = "time";
  int budget = 30;                  // candidate trials over all TUs
  double time_limit_sec = 0;        // 0: none
  std::vector<std::string> tus;     // explicit sources
  std::string target;
  std::string binary;               // benchmark binary (default: bench argv[0])
  std::vector<std::string> build_cmd;
  std::string planner = "builtin";
  uint64_t seed = 1;
  int repeats = 5;                  // interleaved pairs per candidate (time objective)
  int max_tus = 3;
  double min_gain = 0.01;
  bool allow_unsafe_math = false;
  bool dry_run = false;
  bool json = false;
  bool quiet = false;
  int64_t resume_session = 0;       // > 0: continue this session

  nlohmann::json to_json() const;
  static TuneOptions from_json(const nlohmann::json& j);
};

struct TuResult {
  std::string source_rel;
  std::string status; // tuned, no_gain, skipped, failed, interrupted
  std::string reason;
  double baseline = 0;
  double best = 0;
  double speedup = 1, speedup_low = 1, speedup_high = 1;
  std::string config;
  int trials = 0;
  int failed_trials = 0;
};

struct TuneSummary {
  int64_t session_id = 0;
  std::string state; // done, interrupted, failed
  std::string objective;
  std::vector<TuResult> tus;
  double program_speedup = 1, program_low = 1, program_high = 1;
  bool program_measured = false;
  int trials = 0;
  double seconds = 0;
  std::vector<std::string> notes;
  nlohmann::json to_json() const;
};

// Makes planners by name: supplied by the CLI so the tuner library does not
// depend on the LLM client.
using PlannerFactory = std::function<std::unique_ptr<Planner>(const std::string& kind, std::string* status)>;

Expected<TuneSummary> run_tune_session(const TuneOptions& options, const Config& config, Store& store,
                                       const PlannerFactory& make_planner);

// Set by a SIGINT handler: finish the current step, keep confirmed winners, stop.
void request_tune_stop();
bool tune_stop_requested();

} // namespace llmcc
