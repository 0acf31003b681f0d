// What a tuning session is asked to do (TuneOptions) and what it reports
// (TuResult per TU, TuneSummary per session). Both are stored in the sessions
// table as JSON, which is how a session resumes and how `--json` prints it.
#pragma once

#include "cache/records.h"
#include "tuner/planner_worth.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

struct TuneOptions {
  std::string build_dir;
  std::vector<std::string> bench;      // benchmark argv
  std::string bench_format = "auto";   // auto, gbench, time, wall, regex
  std::string bench_regex;
  bool higher_is_better = false;
  std::vector<std::string> verify;     // verify argv (optional)
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
  std::string pgo;                  // off, on, auto; "": the `pgo` setting (config/pgo_mode.h)
  std::vector<std::string> bench_holdout; // a second input: a PGO winner must not be slower on it
  bool dry_run = false;
  bool json = false;
  bool quiet = false;
  bool verbose = false;             // progress prints configs whole (not stored)
  int64_t resume_session = 0;       // > 0: continue this session
  // Re-measure the pulled and imported winners of the program here instead of
  // tuning: keep (mark confirmed here) those that hold, drop the others.
  bool reconfirm = false;

  nlohmann::json to_json() const;
  static TuneOptions from_json(const nlohmann::json& j);
};

// Confirmed and Dropped: --reconfirm kept an imported winner, or removed it.
// ClaimedElsewhere: another host held the TU's claim, so it was not tuned; not
// done for --resume, which tries it again (the claim may be gone by then).
enum class TuStatus { Planned, Tuned, NoGain, Skipped, Failed, Interrupted, Confirmed, Dropped, ClaimedElsewhere };
std::string_view to_string(TuStatus s);

struct TuResult {
  std::string source_rel;
  TuStatus status = TuStatus::Failed;
  std::string reason;
  double baseline = 0;
  double best = 0;
  double speedup = 1, speedup_low = 1, speedup_high = 1;
  std::string config;
  int trials = 0;        // measured trials, what the budget counts
  int failed_trials = 0;
  int repeats = 0;       // candidates whose code was already measured (free)
  int profile_trials = 0; // --pgo: trials with a profile, on top of the budget (tuner/pgo_schedule.h)
};

struct TuneSummary {
  int64_t session_id = 0;
  SessionState state = SessionState::Running;
  std::string objective;
  std::vector<TuResult> tus;
  double program_speedup = 1, program_low = 1, program_high = 1;
  bool program_measured = false;
  // The tuned program against the whole program built with -O3 -march=native.
  double native_speedup = 1, native_low = 1, native_high = 1;
  bool native_measured = false;
  int trials = 0;
  int profile_trials = 0; // on top of `trials`, which the budget counts
  double seconds = 0;
  std::vector<std::string> notes;
  PlannerWorth worth; // JSON key "worth"
  nlohmann::json to_json() const;
  // The TUs that got a winner, for planner_worth().
  std::vector<SessionWinner> winners() const;
};

} // namespace llmcc
