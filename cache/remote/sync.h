// Push and pull: each host writes its winners of a class under its own key
// (host_key: "llmcc/v1/<class>/hosts/<fingerprint>-<store id>", one per state
// directory), as a bundle
// (cache/bundle/format.h, signed with the team key when one is set, so every
// entry is signed on its own). A push rewrites only that key, merged with its
// previous content, so two hosts pushing at once cannot lose each other's
// winners. A pull lists the class's host keys (and reads the legacy single
// key, winners_key), decodes each entry on its own, drops winners of another
// class, merges them (the better-evidenced one wins each TU) and imports the
// result like a bundle. A failing store is reported and counted, never fatal
// to the other stores.
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
  int withdrawn = 0;          // push: winners left out of this host's entry because this host dropped them
  bool fell_back_to_read_only = false;
  bool skipped = false; // by the circuit breaker (cache/remote/circuit_breaker.h): not contacted
  std::optional<MergeReport> merged; // pull
};

// Merges `ours` into `theirs`: per (tu_key, compiler, host, objective) the
// better-evidenced entry; unreadable entries of theirs are dropped (every
// receiver would reject them).
Bundle merge_bundles(const Bundle& theirs, const Bundle& ours);

// One push per class present in `local` (whose winners may span classes) or in
// `dropped`, to the key of this host and state directory (`store_id`,
// Store::store_id). Every winner `dropped` names (this database's records of
// what `llmcc tune --reconfirm` dropped here, cache/local_rejection.h) is left
// out of that entry, whichever push stored it there before; a class with only
// drop records is rewritten only when its entry held one. Other hosts' entries
// are never touched: the records do not travel (docs/sharing.md).
std::vector<StoreOutcome> push_to_store(RemoteStore& store, const Bundle& local,
                                        const std::vector<LocalRejection>& dropped, const std::string& store_id,
                                        const std::optional<std::string>& team_key);
// Pulls `hw_class`'s winners from a store into the database.
StoreOutcome pull_from_store(RemoteStore& store, Store& db, const std::string& hw_class, const MergeOptions& options,
                             const std::optional<std::string>& team_key);

// Counter names for `llmcc stats`: remote.<hit|miss|push|error|timeout|denied|skipped>.
std::map<std::string, int64_t> remote_counters(const std::vector<StoreOutcome>& outcomes, bool pull);

} // namespace llmcc
