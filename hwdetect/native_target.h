// What a compiler resolves -march=native to on this host. Two machines of the same
// cloud "kind" can differ here, so winners are keyed on it (via the fingerprint)
// and it is shown by `llmcc hw`.
#pragma once

#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace llmcc::hw {

struct NativeTarget {
  std::string cpu;                   // "znver3", "icelake-server", ...
  std::string tune;                  // gcc's -mtune= for native, when known
  std::vector<std::string> features; // "+avx2", "-avx512f", ... (clang), or gcc's enabled -m flags
  nlohmann::json to_json() const;
};

// Runs the compiler once (gcc: -Q --help=target; clang: -### -E -). Costs a process
// spawn, so callers cache the result per compiler identity and host fingerprint.
Expected<NativeTarget> resolve_native(const std::string& compiler_path);

} // namespace llmcc::hw
