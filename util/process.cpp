#include "util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace llmcc {

static std::atomic<pid_t> g_running_child{0};

void kill_running_children() {
  pid_t pid = g_running_child.load();
  if (pid > 0) {
    ::kill(-pid, SIGKILL);
  }
}

std::string ProcessResult::describe() const {
  if (timed_out) {
    return "timed out";
  }
  if (signal != 0) {
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  }
  return fmt::format("exit {}", exit_code);
}

static std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (const auto& a : argv) {
    out.push_back(const_cast<char*>(a.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

Error exec_replace(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    return Error{"empty command"};
  }
  return exec_replace(argv[0], argv);
}

Error exec_replace(const std::string& path, const std::vector<std::string>& argv) {
  auto args = c_argv(argv);
  ::execv(path.c_str(), args.data());
  return Error{fmt::format("cannot execute {}: {}", path, std::strerror(errno))};
}

namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) {
      ::close(fd);
    }
    fd = -1;
  }
};

bool make_pipe(Fd& r, Fd& w) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    return false;
  }
  r.fd = p[0];
  w.fd = p[1];
  return true;
}

std::vector<std::string> build_env(const ProcessOptions& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    std::string key(kv.substr(0, kv.find('=')));
    bool drop = o.env_set.count(key) > 0;
    for (const auto& u : o.env_unset) {
      drop = drop || u == key;
    }
    if (!drop) {
      env.emplace_back(kv);
    }
  }
  for (const auto& [k, v] : o.env_set) {
    env.push_back(k + "=" + v);
  }
  return env;
}

} // namespace

Expected<ProcessResult> run_process(const ProcessOptions& o) {
  if (o.argv.empty()) {
    return Error{"empty command"};
  }
  Fd in_r, in_w, out_r, out_w, err_r, err_w, status_r, status_w;
  if (!make_pipe(status_r, status_w) || (o.stdin_data && !make_pipe(in_r, in_w)) ||
      (o.capture_stdout && !make_pipe(out_r, out_w)) ||
      (o.capture_stderr && !make_pipe(err_r, err_w))) {
    return Error{fmt::format("pipe: {}", std::strerror(errno))};
  }
  std::vector<std::string> env = build_env(o);
  auto envp = c_argv(env);
  auto args = c_argv(o.argv);
  std::string exe = o.argv[0];
  bool search_path = exe.find('/') == std::string::npos;

  // A child that exits without reading its input must not kill us with SIGPIPE.
  static const bool sigpipe_ignored = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    return Error{fmt::format("fork: {}", std::strerror(errno))};
  }
  if (pid == 0) {
    // Own process group, so a timeout or Ctrl-C can kill the whole tree.
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(o.stdin_data ? in_r.fd : devnull, 0);
    if (o.capture_stdout) {
      ::dup2(out_w.fd, 1);
    }
    if (o.capture_stderr) {
      ::dup2(err_w.fd, 2);
    }
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) {
      int e = errno;
      ssize_t ignored = ::write(status_w.fd, &e, sizeof e);
      (void)ignored;
      ::_exit(127);
    }
    if (search_path) {
      ::execvpe(exe.c_str(), args.data(), envp.data());
    } else {
      ::execve(exe.c_str(), args.data(), envp.data());
    }
    int e = errno;
    ssize_t ignored = ::write(status_w.fd, &e, sizeof e);
    (void)ignored;
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  g_running_child = pid;
  status_w.reset();
  in_r.reset();
  out_w.reset();
  err_w.reset();

  int exec_errno = 0;
  if (::read(status_r.fd, &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    int st;
    ::waitpid(pid, &st, 0);
    g_running_child = 0;
    return Error{fmt::format("cannot execute {}: {}", exe, std::strerror(exec_errno))};
  }

  ProcessResult r;
  const std::string input = o.stdin_data.value_or("");
  size_t in_off = 0;
  if (in_w.fd >= 0 && input.empty()) {
    in_w.reset();
  }
  if (in_w.fd >= 0) {
    ::fcntl(in_w.fd, F_SETFL, O_NONBLOCK);
  }
  char buf[65536];
  while (out_r.fd >= 0 || err_r.fd >= 0 || in_w.fd >= 0) {
    std::vector<pollfd> pfds;
    if (out_r.fd >= 0) {
      pfds.push_back({out_r.fd, POLLIN, 0});
    }
    if (err_r.fd >= 0) {
      pfds.push_back({err_r.fd, POLLIN, 0});
    }
    if (in_w.fd >= 0) {
      pfds.push_back({in_w.fd, POLLOUT, 0});
    }
    int wait_ms = 200;
    if (o.timeout_sec > 0) {
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed >= o.timeout_sec) {
        r.timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      wait_ms = std::min(wait_ms, static_cast<int>((o.timeout_sec - elapsed) * 1000) + 1);
    }
    int n = ::poll(pfds.data(), pfds.size(), wait_ms);
    if (n < 0 && errno != EINTR) {
      break;
    }
    for (const auto& p : pfds) {
      if (!p.revents) {
        continue;
      }
      if (p.fd == in_w.fd) {
        ssize_t w = ::write(in_w.fd, input.data() + in_off, input.size() - in_off);
        if (w > 0) {
          in_off += static_cast<size_t>(w);
        }
        if (w < 0 && errno != EAGAIN) {
          in_w.reset();
        } else if (in_off >= input.size()) {
          in_w.reset();
        }
        continue;
      }
      ssize_t got = ::read(p.fd, buf, sizeof buf);
      bool is_out = p.fd == out_r.fd;
      if (got <= 0) {
        (is_out ? out_r : err_r).reset();
        continue;
      }
      std::string& dst = is_out ? r.out : r.err;
      if (dst.size() < o.max_capture) {
        dst.append(buf, std::min(static_cast<size_t>(got), o.max_capture - dst.size()));
      }
    }
  }
  // Wait for exit, still honouring the timeout if the child closed its pipes early.
  int st = 0;
  struct rusage ru {};
  for (;;) {
    pid_t w = ::wait4(pid, &st, WNOHANG, &ru);
    if (w == pid) {
      break;
    }
    if (w < 0 && errno != EINTR) {
      break;
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (o.timeout_sec > 0 && elapsed >= o.timeout_sec && !r.timed_out) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    ::usleep(500);
  }
  g_running_child = 0;
  r.wall_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.user_sec = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  r.sys_sec = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  if (WIFEXITED(st)) {
    r.exit_code = WEXITSTATUS(st);
  } else if (WIFSIGNALED(st)) {
    r.signal = WTERMSIG(st);
  }
  return r;
}

} // namespace llmcc
