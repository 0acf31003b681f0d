// A pulled or imported winner that `llmcc tune --reconfirm` re-measured on this
// machine and dropped, remembered so the next pull or import (manual or the
// automatic sync) skips it instead of bringing it back unconfirmed. It matches
// a winner arriving again by TU, compiler, hardware class, objective and
// canonical config, from whichever host of the class it comes: what did not hold
// here does not hold because someone else offers it too. A different config
// for the TU is not matched. This host's own measurement ends it: a later
// `llmcc tune` that confirms and stores the same config, `llmcc forget` of the
// TU, `llmcc cache clear --winners`.
#pragma once

#include "cache/records.h"

#include <cstdint>
#include <optional>
#include <string>

namespace llmcc {

struct LocalRejection {
  std::string tu_key, compiler_id, hw_class, objective;
  TuneConfig config;
  std::string source_rel;
  std::string source_base; // derived from source_rel (for matching a source named on the command line)
  // The re-measurement; none when the winner did not build, verify or run here.
  std::optional<double> speedup, speedup_low, speedup_high;
  std::string reason; // as the session printed it: "does not hold on this machine: 1.000x [...] (needs > ...)"
  int64_t session_id = 0; // the --reconfirm session (its trial is the evidence)
  int64_t created = 0;    // unix seconds

  nlohmann::json to_json() const;
};

// The record of dropping `w` (a winner of this host's class) here.
LocalRejection rejection_of(const WinnerRecord& w, std::optional<double> speedup, std::optional<double> low,
                            std::optional<double> high, std::string reason, int64_t session_id, int64_t at);

// "dropped on this host by tune --reconfirm", the category an import counts a
// matching winner under.
inline constexpr const char* kDroppedHereReason = "dropped on this host by tune --reconfirm";

// One line for show, explain and an import's report: the config, why, and when.
std::string describe_rejection(const LocalRejection& r);

} // namespace llmcc
