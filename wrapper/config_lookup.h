// Which configuration (if any) a compile gets: a tuning session's trial file
// first, then the database's winners. Shared by the wrapper and `llmcc show`.
// The result is not yet trusted: wrapper/config_admission decides whether it
// may reach the command line.
#pragma once

#include "cache/records.h"
#include "flags/tune_config.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

class Config;
class Store;
struct TuContext;

struct Resolution {
  enum class How {
    None,     // no config: the compile runs as recorded
    Trial,    // a tuning session's trial config
    Baseline, // a tuning session's plain compile
    Exact,    // a winner for this TU key on this host
    Nearest,  // a winner for this project-relative source on this hardware class
    Rejected, // a config was found but refused by the allow-list (config_admission)
  };
  std::optional<TuneConfig> config; // what will be applied, if any
  How how = How::None;
  std::optional<WinnerRecord> winner;
  std::string tu_key;             // empty if it was not needed
  std::vector<std::string> notes; // why, step by step (for `llmcc show`)
};
std::string_view to_string(Resolution::How how);

// Cheap when nothing can match: one indexed query, no hardware detection, no
// preprocessing. `store` may be null (no database: no lookup). Detects the host
// into `tu.host` only when a winner for this source name exists. A compile
// reads only the winner's config; `for_show` (llmcc show) also computes the TU
// key when no winner can apply and reads the whole winner into `winner`.
Resolution resolve_config(Store* store, const Config& config, TuContext& tu, bool for_show = false);

} // namespace llmcc
