#include "wrapper/remote_sync_trigger.h"

#include "cache/remote/sync_files.h"
#include "util/fs.h"
#include "wrapper/tool_binary.h"
#include "wrapper/trial_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <ctime>

namespace llmcc {

namespace {

bool stamp_is_fresh(const std::string& stamp, long interval) {
  struct stat st {};
  if (::stat(stamp.c_str(), &st) != 0) {
    return false;
  }
  time_t now = ::time(nullptr);
  // A stamp from the future (a clock set back) would stop syncing for good.
  return st.st_mtime <= now && now - st.st_mtime < interval;
}

// Double fork: the pull is nobody's child (never a zombie, never waited for),
// in its own session, with none of the build's descriptors (a build tool waits
// for its pipes to close), holding only the lock.
void spawn_pull(int lock_fd, const std::string& tool, const std::string& log_path) {
  const std::string fd_text = std::to_string(3);
  const char* argv[] = {tool.c_str(), "cache", "pull", "--background", nullptr};
  pid_t child = ::fork();
  if (child < 0) {
    return;
  }
  if (child == 0) {
    ::setsid();
    if (::fork() != 0) {
      ::_exit(0);
    }
    if (lock_fd == 3) {
      ::fcntl(3, F_SETFD, 0);
    } else {
      ::dup2(lock_fd, 3);
    }
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) {
      ::dup2(null, 0);
    }
    // What the last automatic pull said, for `cat ~/.cache/llmcc/remote-sync.log`.
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0) {
      log = ::open("/dev/null", O_WRONLY);
    }
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    ::close_range(4, ~0U, 0);
    ::setenv(kSyncLockFdEnv, fd_text.c_str(), 1);
    ::execv(tool.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
}

} // namespace

void maybe_start_remote_sync(const Config& config) {
  if (config.str("remote").empty()) {
    return; // the common case: not one system call
  }
  const std::string text = config.str("remote_sync_interval");
  long interval = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), interval);
  if (ec != std::errc() || p != text.data() + text.size() || interval <= 0) {
    return; // 0 (or nonsense) = off
  }
  if (std::getenv(kTrialFileEnv)) {
    return; // llmcc tune's trial builds measure; they never change the database under the session
  }
  const std::string dir = config.cache_dir();
  const std::string stamp = dir + "/" + kSyncStampFile;
  if (stamp_is_fresh(stamp, interval)) {
    return;
  }
  int lock_fd = ::open((dir + "/" + kSyncLockFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) {
    return;
  }
  // Another process syncs now, or did since our stat(): nothing to do.
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0 || stamp_is_fresh(stamp, interval)) {
    ::close(lock_fd);
    return;
  }
  int s = ::open(stamp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (s >= 0) {
    ::futimens(s, nullptr);
    ::close(s);
  }
  std::string tool = tool_binary();
  if (!tool.empty()) {
    spawn_pull(lock_fd, tool, dir + "/remote-sync.log");
  }
  ::close(lock_fd);
}

} // namespace llmcc
