// Reading the kernel's description of the CPU (sysfs, /proc/cpuinfo): the parts of
// detect_host() that are not CPUID or hwcaps. Internal to hwdetect.
#pragma once

#include "hwdetect/host.h"

#include <string>
#include <string_view>

namespace llmcc::hw {

// This runs on every compile and each syscall on sysfs costs microseconds, so it is
// one open/read/close: a sysfs attribute arrives whole in one read, and for
// /proc/cpuinfo the first read holds the first processor, which is all we use.
// Missing or unreadable → "".
std::string read_small_file(const std::string& path, size_t limit = 4096);
std::string_view trim_view(std::string_view s);
// Whole-string integer or `fallback`; accepts a 0x prefix so arm's "0x41" parses too.
long parse_long(std::string_view s, long fallback = 0);

// Calls fn(first, last) for each well-formed range of a kernel cpu list.
template <class Fn> void for_each_cpu_range(std::string_view list, Fn&& fn) {
  list = trim_view(list);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view part = trim_view(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (part.empty()) {
      continue;
    }
    size_t dash = part.find('-');
    long first = parse_long(part.substr(0, dash), -1);
    long last = dash == std::string_view::npos ? first : parse_long(part.substr(dash + 1), -1);
    if (first < 0 || last < first) {
      continue;
    }
    fn(first, last);
  }
}

// Fills host.caches from cpu0's cache directories.
void detect_caches(HostInfo& host);
// Unique (package, core_id) pairs among the online CPUs; `logical` when unreadable.
int count_physical_cores(int logical);

} // namespace llmcc::hw
