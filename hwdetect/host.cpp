#include "hwdetect/host.h"

#include "util/hash.h"
#include "util/strings.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <set>
#include <tuple>
#include <utility>

namespace llmcc::hw {

namespace {

// Bumped whenever the fingerprint inputs change, so old and new keys never collide.
constexpr std::string_view k_fingerprint_scheme = "llmcc-hw-1";
constexpr const char* k_sys_cpu = "/sys/devices/system/cpu";

// This runs on every compile and each syscall on sysfs costs microseconds, so it is
// one open/read/close: a sysfs attribute arrives whole in one read, and for
// /proc/cpuinfo the first read holds the first processor, which is all we use.
// Missing or unreadable → "".
std::string read_small_file(const std::string& path, size_t limit = 4096) {
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
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r' || s.front() == '\0')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r' || s.back() == '\0')) {
    s.remove_suffix(1);
  }
  return s;
}

// Whole-string integer or `fallback`; accepts a 0x prefix so arm's "0x41" parses too.
long parse_long(std::string_view s, long fallback = 0) {
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

[[maybe_unused]] void add_if(std::vector<std::string>& isa, bool present, const char* name) {
  if (present) {
    isa.emplace_back(name);
  }
}

#if defined(__x86_64__) || defined(__i386__)

struct CpuidRegs {
  unsigned a = 0, b = 0, c = 0, d = 0;
};

// Out-of-range leaves return data of the highest leaf, so each leaf is checked against
// the maximum first. The maxima are read once rather than per call (as
// __get_cpuid_count does) because CPUID traps to the hypervisor in VMs, costing
// microseconds each.
class Cpuid {
public:
  Cpuid() {
#if defined(__i386__)
    if (__get_cpuid_max(0, nullptr) == 0) {
      return; // pre-CPUID processor: everything reads as zero
    }
#endif
    __cpuid(0, m_leaf0.a, m_leaf0.b, m_leaf0.c, m_leaf0.d);
    unsigned b = 0, c = 0, d = 0;
    __cpuid(0x80000000, m_max_ext, b, c, d);
  }

  CpuidRegs operator()(unsigned leaf, unsigned subleaf = 0) const {
    unsigned max = (leaf & 0x80000000) != 0 ? m_max_ext : m_leaf0.a;
    CpuidRegs r;
    if (leaf > max) {
      return r;
    }
    if (leaf == 0) {
      return m_leaf0;
    }
    __cpuid_count(leaf, subleaf, r.a, r.b, r.c, r.d);
    return r;
  }
  unsigned max_ext() const {
    return m_max_ext;
  }

private:
  CpuidRegs m_leaf0;
  unsigned m_max_ext = 0;
};

bool bit(unsigned reg, int n) {
  return ((reg >> n) & 1u) != 0;
}

// Only valid when CPUID reports OSXSAVE; otherwise XGETBV faults.
uint64_t read_xcr0() {
  uint32_t eax = 0;
  uint32_t edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

void detect_x86(HostInfo& host) {
#if defined(__x86_64__)
  host.arch = "x86_64";
#else
  host.arch = "i686";
#endif
  Cpuid cpuid;
  CpuidRegs leaf0 = cpuid(0);
  char vendor[12];
  std::memcpy(vendor, &leaf0.b, 4);
  std::memcpy(vendor + 4, &leaf0.d, 4);
  std::memcpy(vendor + 8, &leaf0.c, 4);
  host.vendor = std::string(trim_view(std::string_view(vendor, sizeof vendor)));

  CpuidRegs leaf1 = cpuid(1);
  // Display family/model as Intel SDM and AMD APM define them: the extended family is
  // added only for base family 0xF, the extended model only for families 6 and 0xF.
  unsigned base_family = (leaf1.a >> 8) & 0xf;
  unsigned base_model = (leaf1.a >> 4) & 0xf;
  host.family = static_cast<int>(base_family);
  if (base_family == 0xf) {
    host.family += static_cast<int>((leaf1.a >> 20) & 0xff);
  }
  host.model = static_cast<int>(base_model);
  if (base_family == 0x6 || base_family == 0xf) {
    host.model += static_cast<int>(((leaf1.a >> 16) & 0xf) << 4);
  }
  host.stepping = static_cast<int>(leaf1.a & 0xf);

  CpuidRegs leaf7 = cpuid(7, 0);
  CpuidRegs leaf7_1 = leaf7.a >= 1 ? cpuid(7, 1) : CpuidRegs{}; // leaf7.a: max subleaf
  CpuidRegs ext1 = cpuid(0x80000001);

  if (cpuid.max_ext() >= 0x80000004) {
    char brand[48];
    for (unsigned i = 0; i < 3; ++i) {
      CpuidRegs r = cpuid(0x80000002 + i);
      std::memcpy(brand + i * 16, &r.a, 4);
      std::memcpy(brand + i * 16 + 4, &r.b, 4);
      std::memcpy(brand + i * 16 + 8, &r.c, 4);
      std::memcpy(brand + i * 16 + 12, &r.d, 4);
    }
    std::string_view b(brand, sizeof brand);
    b = b.substr(0, b.find('\0'));
    host.model_name = std::string(trim_view(b));
  }

  // A CPU feature is only usable when the OS saves the matching register state on
  // context switch (XCR0); otherwise e.g. AVX-512 code faults despite the CPUID bit.
  // The gating follows what gcc and clang do for -march=native.
  bool osxsave = bit(leaf1.c, 27);
  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  bool avx_state = osxsave && (xcr0 & 0x6) == 0x6;        // XMM | YMM
  bool avx512_state = avx_state && (xcr0 & 0xe0) == 0xe0; // opmask | ZMM_Hi256 | Hi16_ZMM
  bool amx_state = osxsave && (xcr0 & (3ull << 17)) == (3ull << 17); // XTILECFG | XTILEDATA

  std::vector<std::string>& isa = host.isa;
  // Leaf 1.
  add_if(isa, bit(leaf1.d, 25), "sse");
  add_if(isa, bit(leaf1.d, 26), "sse2");
  add_if(isa, bit(leaf1.c, 0), "sse3");
  add_if(isa, bit(leaf1.c, 1), "pclmul");
  add_if(isa, bit(leaf1.c, 9), "ssse3");
  add_if(isa, bit(leaf1.c, 12) && avx_state, "fma");
  add_if(isa, bit(leaf1.c, 13), "cx16");
  add_if(isa, bit(leaf1.c, 19), "sse4.1");
  add_if(isa, bit(leaf1.c, 20), "sse4.2");
  add_if(isa, bit(leaf1.c, 22), "movbe");
  add_if(isa, bit(leaf1.c, 23), "popcnt");
  add_if(isa, bit(leaf1.c, 25), "aes");
  add_if(isa, bit(leaf1.c, 26), "xsave");
  add_if(isa, bit(leaf1.c, 28) && avx_state, "avx");
  add_if(isa, bit(leaf1.c, 29) && avx_state, "f16c");
  add_if(isa, bit(leaf1.c, 30), "rdrnd");
  // Leaf 7, subleaf 0.
  add_if(isa, bit(leaf7.b, 3), "bmi1");
  add_if(isa, bit(leaf7.b, 5) && avx_state, "avx2");
  add_if(isa, bit(leaf7.b, 8), "bmi2");
  add_if(isa, bit(leaf7.b, 16) && avx512_state, "avx512f");
  add_if(isa, bit(leaf7.b, 17) && avx512_state, "avx512dq");
  add_if(isa, bit(leaf7.b, 18), "rdseed");
  add_if(isa, bit(leaf7.b, 19), "adx");
  add_if(isa, bit(leaf7.b, 21) && avx512_state, "avx512ifma");
  add_if(isa, bit(leaf7.b, 28) && avx512_state, "avx512cd");
  add_if(isa, bit(leaf7.b, 29), "sha");
  add_if(isa, bit(leaf7.b, 30) && avx512_state, "avx512bw");
  add_if(isa, bit(leaf7.b, 31) && avx512_state, "avx512vl");
  add_if(isa, bit(leaf7.c, 1) && avx512_state, "avx512vbmi");
  add_if(isa, bit(leaf7.c, 6) && avx512_state, "avx512vbmi2");
  add_if(isa, bit(leaf7.c, 8), "gfni"); // has a legacy SSE encoding, so no state check
  add_if(isa, bit(leaf7.c, 9) && avx_state, "vaes");
  add_if(isa, bit(leaf7.c, 10) && avx_state, "vpclmulqdq");
  add_if(isa, bit(leaf7.c, 11) && avx512_state, "avx512vnni");
  add_if(isa, bit(leaf7.c, 12) && avx512_state, "avx512bitalg");
  add_if(isa, bit(leaf7.c, 14) && avx512_state, "avx512vpopcntdq");
  add_if(isa, bit(leaf7.d, 8) && avx512_state, "avx512vp2intersect");
  add_if(isa, bit(leaf7.d, 22) && amx_state, "amx-bf16");
  add_if(isa, bit(leaf7.d, 23) && avx512_state, "avx512fp16");
  add_if(isa, bit(leaf7.d, 24) && amx_state, "amx-tile");
  add_if(isa, bit(leaf7.d, 25) && amx_state, "amx-int8");
  // Leaf 7, subleaf 1.
  add_if(isa, bit(leaf7_1.a, 4) && avx_state, "avxvnni");
  add_if(isa, bit(leaf7_1.a, 5) && avx512_state, "avx512bf16");
  // Leaf 0x80000001.
  add_if(isa, bit(ext1.c, 0), "sahf");
  add_if(isa, bit(ext1.c, 5), "lzcnt");
  add_if(isa, bit(ext1.c, 6), "sse4a");
}

#endif // x86

#if defined(__aarch64__)

std::string arm_implementer_name(long id) {
  switch (id) {
  case 0x41:
    return "ARM";
  case 0x42:
    return "Broadcom";
  case 0x43:
    return "Cavium";
  case 0x46:
    return "Fujitsu";
  case 0x48:
    return "HiSilicon";
  case 0x4e:
    return "NVIDIA";
  case 0x50:
    return "APM";
  case 0x51:
    return "Qualcomm";
  case 0x53:
    return "Samsung";
  case 0x61:
    return "Apple";
  case 0xc0:
    return "Ampere";
  default:
    return id > 0 ? fmt::format("arm-{:#04x}", id) : "unknown";
  }
}

void detect_aarch64(HostInfo& host) {
  host.arch = "aarch64";
  // The first processor block is enough, and reading only the first page keeps the
  // kernel from formatting every CPU's entry on large machines.
  std::string cpuinfo = read_small_file("/proc/cpuinfo", 8192);
  long implementer = -1;
  long part = -1;
  long revision = -1;
  for (const std::string& line : split(cpuinfo, '\n')) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string_view key = trim_view(std::string_view(line).substr(0, colon));
    std::string_view value = std::string_view(line).substr(colon + 1);
    if (key == "CPU implementer" && implementer < 0) {
      implementer = parse_long(value, -1);
    } else if (key == "CPU part" && part < 0) {
      part = parse_long(value, -1);
    } else if (key == "CPU revision" && revision < 0) {
      revision = parse_long(value, -1);
    }
  }
  host.vendor = arm_implementer_name(implementer);
  host.family = static_cast<int>(std::max(implementer, 0L));
  host.model = static_cast<int>(std::max(part, 0L));
  host.stepping = static_cast<int>(std::max(revision, 0L));

  unsigned long hwcap = getauxval(AT_HWCAP);
  unsigned long hwcap2 = getauxval(AT_HWCAP2);
  (void)hwcap2;
  std::vector<std::string>& isa = host.isa;
  // Names as Linux prints them in /proc/cpuinfo "Features"; each guarded because
  // older kernel headers lack the newer bits.
#define LLMCC_HWCAP(word, mask, name) add_if(isa, ((word) & (mask)) != 0, name)
#ifdef HWCAP_FP
  LLMCC_HWCAP(hwcap, HWCAP_FP, "fp");
#endif
#ifdef HWCAP_ASIMD
  LLMCC_HWCAP(hwcap, HWCAP_ASIMD, "asimd");
#endif
#ifdef HWCAP_AES
  LLMCC_HWCAP(hwcap, HWCAP_AES, "aes");
#endif
#ifdef HWCAP_PMULL
  LLMCC_HWCAP(hwcap, HWCAP_PMULL, "pmull");
#endif
#ifdef HWCAP_SHA1
  LLMCC_HWCAP(hwcap, HWCAP_SHA1, "sha1");
#endif
#ifdef HWCAP_SHA2
  LLMCC_HWCAP(hwcap, HWCAP_SHA2, "sha2");
#endif
#ifdef HWCAP_CRC32
  LLMCC_HWCAP(hwcap, HWCAP_CRC32, "crc32");
#endif
#ifdef HWCAP_ATOMICS
  LLMCC_HWCAP(hwcap, HWCAP_ATOMICS, "atomics");
#endif
#ifdef HWCAP_FPHP
  LLMCC_HWCAP(hwcap, HWCAP_FPHP, "fphp");
#endif
#ifdef HWCAP_ASIMDHP
  LLMCC_HWCAP(hwcap, HWCAP_ASIMDHP, "asimdhp");
#endif
#ifdef HWCAP_ASIMDRDM
  LLMCC_HWCAP(hwcap, HWCAP_ASIMDRDM, "asimdrdm");
#endif
#ifdef HWCAP_LRCPC
  LLMCC_HWCAP(hwcap, HWCAP_LRCPC, "lrcpc");
#endif
#ifdef HWCAP_DCPOP
  LLMCC_HWCAP(hwcap, HWCAP_DCPOP, "dcpop");
#endif
#ifdef HWCAP_SHA3
  LLMCC_HWCAP(hwcap, HWCAP_SHA3, "sha3");
#endif
#ifdef HWCAP_ASIMDDP
  LLMCC_HWCAP(hwcap, HWCAP_ASIMDDP, "asimddp");
#endif
#ifdef HWCAP_SHA512
  LLMCC_HWCAP(hwcap, HWCAP_SHA512, "sha512");
#endif
#ifdef HWCAP_SVE
  LLMCC_HWCAP(hwcap, HWCAP_SVE, "sve");
#endif
#ifdef HWCAP_ASIMDFHM
  LLMCC_HWCAP(hwcap, HWCAP_ASIMDFHM, "asimdfhm");
#endif
#ifdef HWCAP2_SVE2
  LLMCC_HWCAP(hwcap2, HWCAP2_SVE2, "sve2");
#endif
#ifdef HWCAP2_I8MM
  LLMCC_HWCAP(hwcap2, HWCAP2_I8MM, "i8mm");
#endif
#ifdef HWCAP2_BF16
  LLMCC_HWCAP(hwcap2, HWCAP2_BF16, "bf16");
#endif
#undef LLMCC_HWCAP
}

// Coarse: hwcaps cannot prove every mandatory feature of a level, so this picks the
// level whose marker features are present (used for the fallback class only).
std::string arm_isa_level(const std::vector<std::string>& isa) {
  auto has = [&](std::string_view n) { return std::find(isa.begin(), isa.end(), n) != isa.end(); };
  if (has("sve2")) {
    return "armv9-a";
  }
  if (has("atomics") && has("dcpop")) {
    return "armv8.2-a";
  }
  if (has("atomics")) {
    return "armv8.1-a";
  }
  return "armv8-a";
}

#endif // aarch64

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

} // namespace

std::string x86_isa_level(const std::vector<std::string>& isa) {
  auto has_all = [&](std::initializer_list<std::string_view> names) {
    return std::all_of(names.begin(), names.end(), [&](std::string_view n) {
      return std::find(isa.begin(), isa.end(), n) != isa.end();
    });
  };
  // x86-64 psABI levels; baseline (cmov, cx8, fpu, fxsr, mmx, sse, sse2) is implied by
  // running 64-bit code at all. Each level requires the previous one.
  if (!has_all({"cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"})) {
    return "x86-64";
  }
  if (!has_all({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe"})) {
    return "x86-64-v2";
  }
  if (!has_all({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})) {
    return "x86-64-v3";
  }
  return "x86-64-v4";
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
