// The files of the automatic sync in the cache directory, shared by the
// wrapper's trigger (wrapper/remote_sync_trigger.cpp, which links none of the
// remote code) and `llmcc-tool cache pull --background`.
#pragma once

namespace llmcc {

// Its mtime is when the last automatic pull started: one stat() per compile.
inline constexpr const char* kSyncStampFile = "remote-sync.stamp";
// flock()ed by the one process that syncs; the wrapper takes it before it
// starts the pull and hands the locked descriptor down, so the lock is held
// from before the compile that triggered it returns until the pull ends.
inline constexpr const char* kSyncLockFile = "remote-sync.lock";
// The inherited, already locked descriptor of kSyncLockFile.
inline constexpr const char* kSyncLockFdEnv = "LLMCC_SYNC_LOCK_FD";
// The circuit breaker's state (cache/remote/circuit_breaker.h), written under the lock.
inline constexpr const char* kBreakerFile = "remote-breaker.json";

} // namespace llmcc
