// The CPU's own account of itself: CPUID on x86, hwcaps and /proc/cpuinfo on
// aarch64. Internal to hwdetect; each is compiled only for its architecture.
#pragma once

#include "hwdetect/host.h"

#include <string>
#include <vector>

namespace llmcc::hw {

#if defined(__x86_64__) || defined(__i386__)
// Fills arch, vendor, family/model/stepping, model_name and isa.
void detect_x86(HostInfo& host);
#endif

#if defined(__aarch64__)
// Fills arch, vendor, family/model/stepping (implementer/part/revision) and isa.
void detect_aarch64(HostInfo& host);
// Coarse: hwcaps cannot prove every mandatory feature of a level, so this picks the
// level whose marker features are present (used for the fallback class only).
std::string arm_isa_level(const std::vector<std::string>& isa);
#endif

} // namespace llmcc::hw
