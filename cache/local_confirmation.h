// A pulled or imported winner re-measured on this machine by
// `llmcc tune --reconfirm` and found to hold: the evidence joins the winner's
// provenance JSON (key "confirmed_here"), so `show` and `explain` can say
// "confirmed on this machine" without a schema change, and a later import that
// replaces the winner replaces the mark with it. Bundles never carry it (a
// winner's provenance is this host's view and is not exported), and it names
// the host it holds for.
#pragma once

#include "cache/records.h"

#include <cstdint>
#include <optional>
#include <string>

namespace llmcc {

struct LocalConfirmation {
  std::string host_fp;
  int64_t at = 0;         // unix seconds
  int64_t session_id = 0; // the --reconfirm session (its trial is the evidence)
  double speedup = 1, low = 1, high = 1;
};

// `provenance` with the mark added (replacing an older one).
std::string with_local_confirmation(const std::string& provenance, const LocalConfirmation& c);
// The mark, if `w` was confirmed on the host `host_fp`.
std::optional<LocalConfirmation> local_confirmation(const WinnerRecord& w, const std::string& host_fp);

} // namespace llmcc
