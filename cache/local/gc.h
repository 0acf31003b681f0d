// llmcc cache gc: what to drop so the database stays small, in order: trial
// history older than an age, winners of compilers no longer installed (and
// the records of winners `tune --reconfirm` dropped for them), then
// the oldest trial history and LLM replies until the pages in use fit a size.
// Winners are never dropped for size, and a winner pulled from a remote store
// is listed, not dropped (the store would serve it again at the next pull).
#pragma once

#include "cache/local/store.h"

#include <functional>
#include <optional>
#include <vector>

namespace llmcc {

struct GcOptions {
  std::optional<int64_t> max_bytes;
  std::optional<int64_t> max_age_sec;
  bool dry_run = false;
  int64_t now = 0; // unix seconds; 0: now
  // Whether this compiler binary is still where it was seen (default: the file
  // at its path has the recorded size and mtime).
  std::function<bool(const CompilerIdentity&)> installed;
};

struct GcReport {
  PruneCounts by_age, by_size;
  std::vector<WinnerRecord> dropped_winners; // compiler no longer installed
  std::vector<WinnerRecord> kept_pulled;     // the same, but pulled from a store
  // Records of winners `tune --reconfirm` dropped here, for a compiler no
  // longer installed: nothing of that compiler is applied any more, so there
  // is nothing left for them to keep out.
  std::vector<LocalRejection> dropped_rejections;
  UsedBytes before, after;                   // pages in use, before the vacuum
  bool over_limit = false;                   // only winners are left and they do not fit
};

bool compiler_still_installed(const CompilerIdentity& c);

// Runs in one transaction, rolled back for a dry run; vacuums after a real run
// that dropped anything.
Expected<GcReport> collect_garbage(Store& store, const GcOptions& options);

} // namespace llmcc
