// At most one process syncs a cache directory at a time: an flock() on
// kSyncLockFile (cache/remote/sync_files.h), also guarding the circuit
// breaker's file.
#pragma once

#include <optional>
#include <string>

namespace llmcc {

class SyncLock {
public:
  // The already locked descriptor the wrapper handed down (kSyncLockFdEnv),
  // else the lock file, waiting for it or (wait = false) giving up at once:
  // nullopt when another process holds it or it cannot be opened.
  static std::optional<SyncLock> acquire(const std::string& cache_dir, bool wait);
  SyncLock(SyncLock&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
  SyncLock& operator=(SyncLock&&) = delete;
  SyncLock(const SyncLock&) = delete;
  ~SyncLock();

private:
  explicit SyncLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// Sets the stamp's mtime to now: the wrapper starts no pull for an interval.
void touch_sync_stamp(const std::string& cache_dir);

} // namespace llmcc
