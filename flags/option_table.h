// The one table of tunable compiler options, per compiler family, loaded from
// flags/data/<family>.json (embedded in the binary at build time). The allow-list
// and the tuner's search space both read it, so what may be searched and what may
// be applied cannot drift apart.
#pragma once

#include "flags/compiler_family.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// Groups that are off unless the user opts in, because they change results.
// "unsafe-math": -ffast-math and kin (change floating-point values).
// "math-errno": -fno-math-errno (only breaks code that reads errno after libm calls).
struct FlagSpec {
  std::string name;   // "-funroll-loops" (its negation "-fno-unroll-loops" is implied for kind bool)
  std::string kind;   // "bool": -fX / -fno-X; "enum": name=value (values); "int": name=N (min..max)
  std::string group;  // "loop", "vectorize", "inline", "unsafe-math", "math-errno", "target", ...
  std::vector<std::string> values; // enum values
  long min = 0, max = 0;           // int range (inclusive)
  bool searchable = true;          // false: allowed when applied, never proposed by the built-in search
};

struct ParamSpec {
  std::string name; // gcc: "max-unroll-times"; clang -mllvm: "unroll-threshold"
  long min = 0, max = 0;
  long default_value = 0;
  std::string group;
};

struct OptionTable {
  CompilerFamily family = CompilerFamily::Unknown;
  std::vector<std::string> opt_levels;      // allowed -O levels, e.g. "-O1","-O2","-O3","-Os"
  std::vector<std::string> unsafe_opt_levels; // "-Ofast"
  std::vector<FlagSpec> flags;              // -f and -m options
  std::vector<ParamSpec> params;            // gcc --param=name=N
  std::vector<ParamSpec> mllvm;             // clang -mllvm -name=N
  std::vector<std::string> march_values;    // "native" plus generic levels; cpus checked by pattern
  std::vector<std::string> passes;          // clang: pass names allowed in a pipeline
  std::vector<std::string> unsafe_groups;   // groups off by default
  // Flags a user may set for semantics (never flipped by a config), e.g.
  // "-fwrapv", "-fno-strict-aliasing", "-fno-exceptions", "-fPIC".
  std::vector<std::string> semantic_flags;

  const FlagSpec* find_flag(const std::string& positive_name) const;
  const ParamSpec* find_param(const std::string& name) const;
  const ParamSpec* find_mllvm(const std::string& name) const;
};

const OptionTable& option_table(CompilerFamily family);

} // namespace llmcc
