// Push and pull: each hardware class's winners live under one key per store
// (winners_key), as a bundle (cache/bundle/format.h, signed with the team key
// when one is set). A push reads what the store holds, merges this database's
// winners in (the better-evidenced one wins each TU, so no host loses
// another's), and writes it back; a pull merges the store's bundle for this
// host's class into the database like an import. A failing store is reported
// and counted, never fatal to the other stores.
#pragma once

#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/remote/remote_store.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct StoreOutcome {
  std::string store; // redacted URL
  RemoteFailure failure = RemoteFailure::None;
  std::string message;
  int winners = 0;            // push: entries written; pull: entries read
  bool fell_back_to_read_only = false;
  std::optional<MergeReport> merged; // pull
};

// Merges `ours` into `theirs`: per (tu_key, compiler, host, objective) the
// better-evidenced entry; unreadable entries of theirs are dropped (every
// receiver would reject them).
Bundle merge_bundles(const Bundle& theirs, const Bundle& ours);

// One push per class present in `local` (whose winners may span classes).
std::vector<StoreOutcome> push_to_store(RemoteStore& store, const Bundle& local,
                                        const std::optional<std::string>& team_key);
// Pulls `hw_class`'s winners from a store into the database.
StoreOutcome pull_from_store(RemoteStore& store, Store& db, const std::string& hw_class, const MergeOptions& options,
                             const std::optional<std::string>& team_key);

// Counter names for `llmcc stats`: remote.<hit|miss|error|timeout|denied>.
std::map<std::string, int64_t> remote_counters(const std::vector<StoreOutcome>& outcomes, bool pull);

} // namespace llmcc
