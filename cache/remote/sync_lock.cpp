#include "cache/remote/sync_lock.h"

#include "cache/remote/sync_files.h"
#include "util/fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace llmcc {

namespace {

int inherited_fd() {
  const char* text = std::getenv(kSyncLockFdEnv);
  if (!text) {
    return -1;
  }
  int fd = -1;
  auto [p, ec] = std::from_chars(text, text + std::strlen(text), fd);
  ::unsetenv(kSyncLockFdEnv); // not for the processes this one starts
  if (ec != std::errc() || fd < 3 || ::fcntl(fd, F_GETFD) < 0) {
    return -1;
  }
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

} // namespace

std::optional<SyncLock> SyncLock::acquire(const std::string& cache_dir, bool wait) {
  // The same open file description the wrapper locked: flock() on it succeeds at once.
  if (int fd = inherited_fd(); fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    return SyncLock(fd);
  }
  (void)fs::make_dirs(cache_dir);
  int fd = ::open((cache_dir + "/" + kSyncLockFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return SyncLock(fd);
}

SyncLock::~SyncLock() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void touch_sync_stamp(const std::string& cache_dir) {
  int fd = ::open((cache_dir + "/" + kSyncStampFile).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::futimens(fd, nullptr);
    ::close(fd);
  }
}

} // namespace llmcc
