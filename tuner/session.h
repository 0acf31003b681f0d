// `llmcc tune`: the loop that makes a program faster and never wrong.
//
// For each hot TU: measure the baseline, let the planner propose configs, and for
// each one rebuild only that TU (through the build tool), verify the program,
// and measure it interleaved with the baseline. The best candidates are then
// re-measured in fresh interleaved runs (the winner's curse), and only a
// confirmed, statistically real gain is stored. Every trial is written to the
// database as it happens, so a killed session resumes where it stopped.
#pragma once

#include "tuner/planner.h"
#include "tuner/stop_request.h"
#include "tuner/tune_options.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

namespace llmcc {

class Config;
class Store;
class TuClaims;

// `claims` (may be null): host claims, so hosts sharing a store skip the TUs
// another is tuning (tuner/tu_claims.h).
Expected<TuneSummary> run_tune_session(const TuneOptions& options, const Config& config, Store& store,
                                       const PlannerFactory& make_planner, TuClaims* claims = nullptr);

// A finished session's stored summary still has TUs to try: some were skipped
// because another host held their claim, and --resume asks again.
bool left_tus_to_other_hosts(const nlohmann::json& summary);

} // namespace llmcc
