// A circuit breaker per store, shared by every process of a cache directory
// through one small JSON file (kBreakerFile) read and written under the sync
// lock. A store that failed (error, timeout, refused) is skipped by automatic
// pulls for a while that doubles with each failure in a row (10 minutes, up to
// 6 hours); one that refused a write (401/403) is used read-only for an hour.
// A success closes it. Manual pulls and pushes always try, and record.
#pragma once

#include "cache/remote/remote_store.h"

#include <cstdint>
#include <map>
#include <string>

namespace llmcc {

struct BreakerState {
  int failures = 0;            // in a row
  int64_t open_until = 0;      // unix seconds
  int64_t read_only_until = 0; // unix seconds
};

class CircuitBreaker {
public:
  static constexpr int64_t kFirstOpenSeconds = 600;
  static constexpr int64_t kMaxOpenSeconds = 6 * 3600;
  static constexpr int64_t kReadOnlySeconds = 3600;

  // A missing or unreadable file is a closed breaker for every store.
  static CircuitBreaker load(const std::string& path);
  Status save() const;

  bool is_open(const std::string& store, int64_t now) const;
  bool is_read_only(const std::string& store, int64_t now) const;
  const BreakerState& state(const std::string& store) const;
  // `write` says the failure answered a write (a push), where Denied means read-only.
  void record(const std::string& store, RemoteFailure failure, bool write, int64_t now);

private:
  std::string m_path;
  std::map<std::string, BreakerState> m_stores; // by redacted URL
};

} // namespace llmcc
