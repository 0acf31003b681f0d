#include "hwdetect/cpu_features.h"
#include "hwdetect/sysfs.h"

#include "util/strings.h"

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include <fmt/format.h>

#include <algorithm>

namespace llmcc::hw {

#if defined(__aarch64__)

namespace {

void add_if(std::vector<std::string>& isa, bool present, const char* name) {
  if (present) {
    isa.emplace_back(name);
  }
}

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

} // namespace

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

} // namespace llmcc::hw
