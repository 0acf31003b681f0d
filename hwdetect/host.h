// What machine are we on? CPUID (x86) or hwcaps (aarch64), caches and cores from
// sysfs. Cheap enough to call on every compile (no processes are spawned).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmcc::hw {

struct CacheLevel {
  int level = 0;
  std::string type; // "Data", "Instruction", "Unified"
  long size_kb = 0;
  int line_bytes = 0;
  int shared_by = 0; // logical CPUs sharing it
};

struct HostInfo {
  std::string arch;       // "x86_64", "aarch64"
  std::string vendor;     // "GenuineIntel", "AuthenticAMD", ARM implementer name
  int family = 0;         // CPUID display family (x86) / implementer id (arm)
  int model = 0;          // CPUID display model / part number
  int stepping = 0;
  std::string model_name; // brand string
  std::vector<std::string> isa; // sorted, lower case: "avx2", "avx512f", "bmi2", "fma", ...
  std::string isa_level;  // "x86-64-v3", "x86-64-v4", "armv8-a", ...
  std::vector<CacheLevel> caches;
  int logical_cpus = 0;
  int physical_cores = 0;

  // Exact identity: vendor, family, model, stepping, ISA set and cache sizes.
  // Two machines with the same fingerprint run the same code at the same speed.
  std::string fingerprint() const; // 16 hex chars
  // Coarse class for fallback lookups: same code runs, perhaps at other speeds.
  std::string hw_class() const;    // e.g. "x86_64/AuthenticAMD/x86-64-v4"
  nlohmann::json to_json() const;
};

HostInfo detect_host();
// Case-insensitive; names as in HostInfo::isa.
bool has_isa(const HostInfo& host, const std::string& feature);

// Building blocks of detect_host(), exposed so tests can check them on fixed input.

// The x86-64 psABI micro-architecture level ("x86-64" .. "x86-64-v4") implied by an
// ISA list spelled like HostInfo::isa (needs cx16 and sahf for v2).
std::string x86_isa_level(const std::vector<std::string>& isa);
// Number of CPUs in a kernel cpu list such as "0-3,8,10-11"; malformed parts count 0.
int count_cpu_list(std::string_view list);
// A sysfs cache size ("32K", "1024K", "32M") in KiB; 0 if unparsable.
long parse_cache_size_kb(std::string_view text);

} // namespace llmcc::hw
