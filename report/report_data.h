// What the report shows, read from the database into one JSON document. The
// HTML and Markdown pages are rendered from this document only, so the JSON
// (`--format json`) holds exactly the numbers the pages show.
#pragma once

#include "cache/local/store.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace llmcc::report {

// The session's TUs (gains against the plain build, -O3 and -O3 -march=native
// where the session measured them), each TU's trials in order with the best so
// far, the baseline's and the confirmation runs, where the time went, the LLM's
// cost, the hardware, the compilers and each winner's options and provenance.
Expected<nlohmann::json> collect_report(Store& store, int64_t session_id);

// Summary statistics of a list of runs: {"runs", "min", "median", "max",
// "spread"} with spread = (max - min) / median; null for no runs.
nlohmann::json run_stats(const std::vector<double>& runs);

} // namespace llmcc::report
