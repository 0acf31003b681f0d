// Merging winners that arrive from outside (a bundle file, a remote store) into
// the database: every entry is validated field by field and its config passes
// the central allow-list before anything is stored; the whole merge is one
// transaction, so a failed import leaves the database as it was.
#pragma once

#include "cache/bundle/format.h"
#include "cache/bundle/trial_history.h"
#include "cache/local/store.h"
#include "flags/allow_list.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

enum class MergeOutcome { Added, Replaced, Skipped, Rejected };
std::string_view to_string(MergeOutcome o);

struct MergeLine {
  MergeOutcome outcome = MergeOutcome::Added;
  std::string source_rel; // as given (printable form), "" when unreadable
  std::string reason;     // why replaced, skipped or rejected
};

struct MergeReport {
  int added = 0, replaced = 0, skipped = 0, rejected = 0;
  // Winners skipped as already here whose local profile was missing or stale:
  // the bundle's (hash-checked) profile was stored so a rebuild applies it.
  int profiles_restored = 0;
  std::map<std::string, int> skipped_by_reason, rejected_by_reason;
  std::vector<MergeLine> lines;
  HistoryReport history; // the bundle's trial history, when it has one
  bool dry_run = false;
  nlohmann::json to_json() const;
};

struct MergeOptions {
  std::string origin = "bundle"; // the winners.origin of what is stored: "bundle" or "remote"
  std::string from;              // the file or (redacted) store URL, for provenance
  SafetyPolicy policy;
  bool dry_run = false;
  std::string cache_dir; // llmcc's state directory: where the profiles of PGO winners are stored
};

// Why an entry cannot be stored (empty: it can), with the record it parses to.
// Pure: no database; the fuzz target and the tests call it directly.
struct EntryCheck {
  std::optional<WinnerRecord> winner;
  std::string reason; // a short category first ("malformed", "forbidden config", ...), then detail
  std::string category;
};
EntryCheck check_entry(const nlohmann::json& entry, const Bundle& bundle, const SafetyPolicy& policy,
                       int64_t now);

// True when `a` is better evidenced than `b`: a higher lower bound of the gain's
// confidence interval, then more trials behind it.
bool better_evidenced(const WinnerRecord& a, const WinnerRecord& b);

Expected<MergeReport> merge_bundle(Store& store, const DecodedBundle& decoded, const MergeOptions& options);

} // namespace llmcc
