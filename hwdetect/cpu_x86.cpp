#include "hwdetect/cpu_features.h"
#include "hwdetect/sysfs.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace llmcc::hw {

#if defined(__x86_64__) || defined(__i386__)

namespace {

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

// The CPUID bit of each feature, and the register state the OS must save for it.
// The gating follows what gcc and clang do for -march=native.
enum class Reg { Leaf1C, Leaf1D, Leaf7B, Leaf7C, Leaf7D, Leaf7S1A, Ext1C };
enum class State { None, Avx, Avx512, Amx };

struct X86Feature {
  Reg reg;
  int bit;
  State state;
  const char* name;
};

constexpr X86Feature kX86Features[] = {
    // Leaf 1.
    {Reg::Leaf1D, 25, State::None, "sse"},
    {Reg::Leaf1D, 26, State::None, "sse2"},
    {Reg::Leaf1C, 0, State::None, "sse3"},
    {Reg::Leaf1C, 1, State::None, "pclmul"},
    {Reg::Leaf1C, 9, State::None, "ssse3"},
    {Reg::Leaf1C, 12, State::Avx, "fma"},
    {Reg::Leaf1C, 13, State::None, "cx16"},
    {Reg::Leaf1C, 19, State::None, "sse4.1"},
    {Reg::Leaf1C, 20, State::None, "sse4.2"},
    {Reg::Leaf1C, 22, State::None, "movbe"},
    {Reg::Leaf1C, 23, State::None, "popcnt"},
    {Reg::Leaf1C, 25, State::None, "aes"},
    {Reg::Leaf1C, 26, State::None, "xsave"},
    {Reg::Leaf1C, 28, State::Avx, "avx"},
    {Reg::Leaf1C, 29, State::Avx, "f16c"},
    {Reg::Leaf1C, 30, State::None, "rdrnd"},
    // Leaf 7, subleaf 0.
    {Reg::Leaf7B, 3, State::None, "bmi1"},
    {Reg::Leaf7B, 5, State::Avx, "avx2"},
    {Reg::Leaf7B, 8, State::None, "bmi2"},
    {Reg::Leaf7B, 16, State::Avx512, "avx512f"},
    {Reg::Leaf7B, 17, State::Avx512, "avx512dq"},
    {Reg::Leaf7B, 18, State::None, "rdseed"},
    {Reg::Leaf7B, 19, State::None, "adx"},
    {Reg::Leaf7B, 21, State::Avx512, "avx512ifma"},
    {Reg::Leaf7B, 28, State::Avx512, "avx512cd"},
    {Reg::Leaf7B, 29, State::None, "sha"},
    {Reg::Leaf7B, 30, State::Avx512, "avx512bw"},
    {Reg::Leaf7B, 31, State::Avx512, "avx512vl"},
    {Reg::Leaf7C, 1, State::Avx512, "avx512vbmi"},
    {Reg::Leaf7C, 6, State::Avx512, "avx512vbmi2"},
    {Reg::Leaf7C, 8, State::None, "gfni"}, // has a legacy SSE encoding, so no state check
    {Reg::Leaf7C, 9, State::Avx, "vaes"},
    {Reg::Leaf7C, 10, State::Avx, "vpclmulqdq"},
    {Reg::Leaf7C, 11, State::Avx512, "avx512vnni"},
    {Reg::Leaf7C, 12, State::Avx512, "avx512bitalg"},
    {Reg::Leaf7C, 14, State::Avx512, "avx512vpopcntdq"},
    {Reg::Leaf7D, 8, State::Avx512, "avx512vp2intersect"},
    {Reg::Leaf7D, 22, State::Amx, "amx-bf16"},
    {Reg::Leaf7D, 23, State::Avx512, "avx512fp16"},
    {Reg::Leaf7D, 24, State::Amx, "amx-tile"},
    {Reg::Leaf7D, 25, State::Amx, "amx-int8"},
    // Leaf 7, subleaf 1.
    {Reg::Leaf7S1A, 4, State::Avx, "avxvnni"},
    {Reg::Leaf7S1A, 5, State::Avx512, "avx512bf16"},
    // Leaf 0x80000001.
    {Reg::Ext1C, 0, State::None, "sahf"},
    {Reg::Ext1C, 5, State::None, "lzcnt"},
    {Reg::Ext1C, 6, State::None, "sse4a"},
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

} // namespace

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
  bool osxsave = bit(leaf1.c, 27);
  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  bool avx_state = osxsave && (xcr0 & 0x6) == 0x6;                   // XMM | YMM
  bool avx512_state = avx_state && (xcr0 & 0xe0) == 0xe0;            // opmask | ZMM_Hi256 | Hi16_ZMM
  bool amx_state = osxsave && (xcr0 & (3ull << 17)) == (3ull << 17); // XTILECFG | XTILEDATA

  // Indexed by Reg and by State.
  unsigned regs[] = {leaf1.c, leaf1.d, leaf7.b, leaf7.c, leaf7.d, leaf7_1.a, ext1.c};
  bool states[] = {true, avx_state, avx512_state, amx_state};
  for (const X86Feature& f : kX86Features) {
    if (bit(regs[static_cast<int>(f.reg)], f.bit) && states[static_cast<int>(f.state)]) {
      host.isa.emplace_back(f.name);
    }
  }
}

#endif // x86

std::string x86_isa_level(const std::vector<std::string>& isa) {
  auto has_all = [&](std::initializer_list<std::string_view> names) {
    return std::all_of(names.begin(), names.end(),
                       [&](std::string_view n) { return std::find(isa.begin(), isa.end(), n) != isa.end(); });
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

} // namespace llmcc::hw
