#include "hwdetect/host.h"

#include "hwdetect/cpu_features.h"
#include "hwdetect/sysfs.h"
#include "util/hash.h"
#include "util/strings.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>

namespace llmcc::hw {

namespace {

// Bumped whenever the fingerprint inputs change, so old and new keys never collide.
constexpr std::string_view k_fingerprint_scheme = "llmcc-hw-1";

} // namespace

HostInfo detect_host() {
  HostInfo host;
#if defined(__x86_64__) || defined(__i386__)
  detect_x86(host);
  host.isa_level = x86_isa_level(host.isa);
#elif defined(__aarch64__)
  detect_aarch64(host);
#else
  struct utsname uts {};
  if (::uname(&uts) == 0) {
    host.arch = uts.machine;
  }
#endif
  std::sort(host.isa.begin(), host.isa.end());
  host.isa.erase(std::unique(host.isa.begin(), host.isa.end()), host.isa.end());
#if defined(__aarch64__)
  host.isa_level = arm_isa_level(host.isa);
#endif
  detect_caches(host);
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  host.logical_cpus = online > 0 ? static_cast<int>(online) : 1;
  host.physical_cores = count_physical_cores(host.logical_cpus);
  return host;
}

bool has_isa(const HostInfo& host, const std::string& feature) {
  std::string name = to_lower(feature);
  return std::find(host.isa.begin(), host.isa.end(), name) != host.isa.end();
}

std::string HostInfo::fingerprint() const {
  // Core counts and the brand string are left out on purpose: VMs of one instance type
  // get different vCPU counts and hypervisors rewrite brand strings, yet run code alike.
  Hasher h;
  h.field(k_fingerprint_scheme);
  h.field(arch).field(vendor);
  h.field(std::to_string(family)).field(std::to_string(model)).field(std::to_string(stepping));
  std::vector<std::string> sorted_isa = isa;
  std::sort(sorted_isa.begin(), sorted_isa.end());
  sorted_isa.erase(std::unique(sorted_isa.begin(), sorted_isa.end()), sorted_isa.end());
  h.field(std::to_string(sorted_isa.size()));
  for (const auto& f : sorted_isa) {
    h.field(f);
  }
  std::vector<std::tuple<int, std::string, long>> sizes;
  for (const auto& c : caches) {
    sizes.emplace_back(c.level, c.type, c.size_kb);
  }
  std::sort(sizes.begin(), sizes.end());
  h.field(std::to_string(sizes.size()));
  for (const auto& [level, type, size_kb] : sizes) {
    h.field(std::to_string(level)).field(type).field(std::to_string(size_kb));
  }
  return h.hex().substr(0, 16);
}

std::string HostInfo::hw_class() const {
  return (arch.empty() ? "unknown" : arch) + "/" + (vendor.empty() ? "unknown" : vendor) + "/" +
         (isa_level.empty() ? "unknown" : isa_level);
}

nlohmann::json HostInfo::to_json() const {
  nlohmann::json caches_json = nlohmann::json::array();
  for (const auto& c : caches) {
    caches_json.push_back({{"level", c.level},
                           {"type", c.type},
                           {"size_kb", c.size_kb},
                           {"line_bytes", c.line_bytes},
                           {"shared_by", c.shared_by}});
  }
  return {{"arch", arch},
          {"vendor", vendor},
          {"family", family},
          {"model", model},
          {"stepping", stepping},
          {"model_name", model_name},
          {"isa", isa},
          {"isa_level", isa_level},
          {"caches", caches_json},
          {"logical_cpus", logical_cpus},
          {"physical_cores", physical_cores},
          {"fingerprint", fingerprint()},
          {"class", hw_class()}};
}

} // namespace llmcc::hw
