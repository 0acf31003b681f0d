#include "util/fs.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "util/strings.h"

namespace llmcc::fs {

Expected<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{fmt::format("cannot read {}: {}", path, std::strerror(errno))};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_file_atomic(const std::string& path, std::string_view content) {
  std::random_device rd;
  std::string tmp = fmt::format("{}.tmp.{}.{:x}", path, ::getpid(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{fmt::format("cannot write {}: {}", path, std::strerror(errno))};
  }
  size_t off = 0;
  while (off < content.size()) {
    ssize_t w = ::write(fd, content.data() + off, content.size() - off);
    if (w <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{fmt::format("cannot write {}: {}", path, std::strerror(e))};
    }
    off += static_cast<size_t>(w);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error{fmt::format("cannot write {}: {}", path, std::strerror(e))};
  }
  return {};
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Error{fmt::format("cannot create directory {}: {}", path, ec.message())};
  }
  return {};
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

std::string absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/') {
    return std::filesystem::path(path).lexically_normal().string();
  }
  return (std::filesystem::path(cwd) / path).lexically_normal().string();
}

std::string dir_name(const std::string& path) {
  auto p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::string current_dir() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) ? std::string(buf) : std::string(".");
}

std::optional<std::string> relative_to(const std::string& path, const std::string& root) {
  if (root.empty()) {
    return std::nullopt;
  }
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') {
    r.pop_back();
  }
  if (path == r) {
    return std::string(".");
  }
  if (starts_with(path, r) && path.size() > r.size() && (path[r.size()] == '/' || r == "/")) {
    return path.substr(r == "/" ? 1 : r.size() + 1);
  }
  return std::nullopt;
}

std::string find_in_path(const std::string& name, bool (*accept)(const std::string&, const void*),
                         const void* ctx) {
  const char* p = std::getenv("PATH");
  for (const auto& dir : split(p ? p : "/usr/local/bin:/usr/bin:/bin", ':')) {
    std::string cand = dir + "/" + name;
    if (is_executable_file(cand) && (!accept || accept(cand, ctx))) {
      return cand;
    }
  }
  return {};
}

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) {
    return h;
  }
  if (struct passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) {
    return pw->pw_dir;
  }
  return {};
}

std::string self_exe() { return real_path("/proc/self/exe"); }

FileStamp stamp(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return {};
  }
  return {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
          static_cast<long long>(st.st_size)};
}

} // namespace llmcc::fs
