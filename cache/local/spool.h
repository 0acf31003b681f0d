// When the database cannot take a record right now (busy past the timeout, locked,
// full), the wrapper writes the record to a spool file instead of waiting or
// failing the compile, and the next llmcc tool command moves it into the database.
// This is how "nothing lost, nothing slowed" holds under make -j64.
#pragma once

#include "cache/records.h"
#include "cache/local/store.h"

#include <map>
#include <optional>
#include <string>

namespace llmcc {

Status spool_record(const std::string& spool_dir, const std::optional<CapturedCommand>& command,
                    const std::map<std::string, int64_t>& counters);

struct SpoolIngest {
  int ingested = 0;
  int malformed = 0; // moved aside to <spool>/bad/, never silently deleted
};
SpoolIngest ingest_spool(Store& store, const std::string& spool_dir);

} // namespace llmcc
