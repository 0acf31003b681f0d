#include "hwdetect/sysfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <set>
#include <utility>
#include <vector>

namespace llmcc::hw {

namespace {

constexpr const char* k_sys_cpu = "/sys/devices/system/cpu";

} // namespace

std::string read_small_file(const std::string& path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  std::string out(limit, '\0');
  ssize_t n = 0;
  do {
    n = ::read(fd, out.data(), limit);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r' || s.front() == '\0')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r' || s.back() == '\0')) {
    s.remove_suffix(1);
  }
  return s;
}

long parse_long(std::string_view s, long fallback) {
  s = trim_view(s);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return fallback;
  }
  return v;
}

void detect_caches(HostInfo& host) {
  // cpu0 stands for the machine; hybrid parts with different per-core caches are
  // rare enough on build hosts that their fingerprint still separates them by model.
  for (int i = 0; i < 32; ++i) {
    std::string dir = std::string(k_sys_cpu) + "/cpu0/cache/index" + std::to_string(i) + "/";
    std::string level = read_small_file(dir + "level");
    if (level.empty()) {
      break;
    }
    CacheLevel cache;
    cache.level = static_cast<int>(parse_long(level));
    cache.type = std::string(trim_view(read_small_file(dir + "type")));
    cache.size_kb = parse_cache_size_kb(read_small_file(dir + "size"));
    cache.line_bytes = static_cast<int>(parse_long(read_small_file(dir + "coherency_line_size")));
    cache.shared_by = count_cpu_list(read_small_file(dir + "shared_cpu_list"));
    host.caches.push_back(std::move(cache));
  }
}

int count_physical_cores(int logical) {
  std::vector<int> cpus;
  for_each_cpu_range(read_small_file(std::string(k_sys_cpu) + "/online"), [&](long a, long b) {
    for (long c = a; c <= b && c < (1L << 16); ++c) {
      cpus.push_back(static_cast<int>(c));
    }
  });
  if (cpus.empty()) {
    for (int c = 0; c < logical; ++c) {
      cpus.push_back(c);
    }
  }
  // A core is a unique (package, core_id) pair. Its SMT siblings share the pair, so
  // once a CPU is counted its siblings are skipped: sysfs reads cost microseconds each
  // and this runs on every compile, so big machines must not read every CPU.
  std::vector<bool> seen;
  std::set<std::pair<long, long>> cores;
  for (int cpu : cpus) {
    if (static_cast<size_t>(cpu) < seen.size() && seen[static_cast<size_t>(cpu)]) {
      continue;
    }
    std::string dir = std::string(k_sys_cpu) + "/cpu" + std::to_string(cpu) + "/topology/";
    long core_id = parse_long(read_small_file(dir + "core_id"), -1);
    long package = parse_long(read_small_file(dir + "physical_package_id"), -1);
    if (core_id < 0 || package < 0) {
      continue;
    }
    cores.emplace(package, core_id);
    for_each_cpu_range(read_small_file(dir + "thread_siblings_list"), [&](long a, long b) {
      for (long c = a; c <= b && c < (1L << 16); ++c) {
        if (static_cast<size_t>(c) >= seen.size()) {
          seen.resize(static_cast<size_t>(c) + 1, false);
        }
        seen[static_cast<size_t>(c)] = true;
      }
    });
  }
  return cores.empty() ? logical : static_cast<int>(cores.size());
}

int count_cpu_list(std::string_view list) {
  long n = 0;
  for_each_cpu_range(list, [&](long a, long b) { n += b - a + 1; });
  return static_cast<int>(n);
}

long parse_cache_size_kb(std::string_view text) {
  text = trim_view(text);
  long scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
    case 'K':
    case 'k':
      scale = 1;
      text.remove_suffix(1);
      break;
    case 'M':
    case 'm':
      scale = 1024;
      text.remove_suffix(1);
      break;
    case 'G':
    case 'g':
      scale = 1024 * 1024;
      text.remove_suffix(1);
      break;
    default:
      break;
    }
  }
  long v = parse_long(text, -1);
  return v < 0 ? 0 : v * scale;
}

} // namespace llmcc::hw
