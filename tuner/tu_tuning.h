// Tuning one TU: its key, its baseline, a planner's proposals screened one by
// one, the best few confirmed, and the winner stored. tuner/session.cpp runs
// this for each hot TU.
#pragma once

#include "cache/records.h"
#include "cache/local/store.h"
#include "flags/allow_list.h"
#include "hwdetect/host.h"
#include "tuner/ab_measure.h"
#include "tuner/build_driver.h"
#include "tuner/planner.h"
#include "tuner/search_space.h"
#include "tuner/tu_selection.h"
#include "tuner/tu_claims.h"
#include "tuner/tune_options.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace llmcc {

class Config;
class Progress;

// What every TU of a session shares.
struct TuningEnv {
  const TuneOptions* options = nullptr;
  const Config* config = nullptr;
  Store* store = nullptr;
  const PlannerFactory* planners = nullptr;
  Progress* progress = nullptr;
  BuildDriver* driver = nullptr;
  AbMeasure* measure = nullptr;
  SafetyPolicy policy;
  std::string binary;   // the benchmark binary, where the build installs it
  std::vector<std::string> program_files; // what the benchmark loads: binary, in-tree shared libraries
  std::string work_dir; // the session's scratch directory
  CompilerIdentity compiler;
  hw::HostInfo host;
  SearchSpace space;
  int64_t session_id = 0;
  std::function<bool()> out_of_time;
  // PGO (tuner/pgo_training.h): train each hot TU once and search profile use too.
  bool pgo = false;
  std::string profdata;  // clang's profile merger
  std::string cache_dir; // llmcc's state directory, where profiles live
  const AbMeasure* holdout = nullptr; // --bench-holdout: a PGO winner must not lose on it
  TuClaims* claims = nullptr;         // host claims (tuner/tu_claims.h); none: tune every TU
};

// The trials a resumed session already ran, by TU key.
using TrialHistory = std::map<std::string, std::vector<TrialRow>>;

// Tunes `tu` with up to `budget` trials, counting those it already had in
// `history`. It may stop early for no gain only when `can_hand_on` (another TU
// gets the rest). Adds the trials it runs and its notes to `summary`. Sets `tu.tu_key`.
TuResult tune_tu(const TuningEnv& env, TuPlan& tu, int budget, bool can_hand_on, const TrialHistory& history,
                 TuneSummary& summary);

} // namespace llmcc
