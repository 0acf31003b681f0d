// What a compiler resolves -march=native to on this host. Two machines of the same
// cloud "kind" can differ here, so winners are keyed on it (via the fingerprint)
// and it is shown by `llmcc hw`.
#pragma once

#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmcc::hw {

struct NativeTarget {
  std::string cpu;                   // "znver3", "icelake-server", ...
  std::string tune;                  // gcc's -mtune= for native, when known
  // "+avx2", "-avx512f", ...: clang's -target-feature list (both signs, compiler order);
  // for gcc its enabled ISA -m options as "+name", sorted (gcc lists no disabled ones).
  std::vector<std::string> features;
  nlohmann::json to_json() const;
  // Whether "+<feature>" is listed. Absent or "-<feature>" both read as false.
  bool enables(std::string_view feature) const;
  // Whether the compiler said anything about the feature, either sign.
  bool mentions(std::string_view feature) const;
};

// Runs the compiler once (gcc: -Q --help=target; clang: -### -E -). Costs a process
// spawn, so callers cache the result per compiler identity and host fingerprint.
Expected<NativeTarget> resolve_native(const std::string& compiler_path);

// The parsers behind resolve_native, split out so they can be tested on fixed text.
// Output of `gcc -march=native -Q --help=target` (LC_ALL=C).
Expected<NativeTarget> parse_gcc_target_help(std::string_view text);
// stderr of `clang -### -E - -march=native`.
Expected<NativeTarget> parse_clang_driver_output(std::string_view text);
// Whether a gcc -m option name ("avx2", "sse4.1", "amx-tile") is an ISA extension
// rather than an ABI or tuning switch ("64", "avx256-split-unaligned-load").
bool is_gcc_isa_option(std::string_view name);

} // namespace llmcc::hw
