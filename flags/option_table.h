// The one table of tunable compiler options, per compiler family, loaded from
// flags/data/<family>.json (embedded in the binary at build time). The allow-list
// and the tuner's search space both read it, so what may be searched and what may
// be applied cannot drift apart.
#pragma once

#include "flags/compiler_family.h"
#include "util/expected.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  // Options this one switches on as a side effect (-ffast-math implies -fno-math-errno):
  // their groups gate it too, and a user's semantic flag among them blocks it.
  std::vector<std::string> implies;
};

struct ParamSpec {
  std::string name; // gcc: "max-unroll-times"; clang -mllvm: "unroll-threshold"
  long min = 0, max = 0;
  long default_value = 0;
  std::string group;
  // When non-empty, the only accepted values (knobs that misbehave off powers of two).
  std::vector<long> values;

  bool accepts(long v) const;
};

// Spellings that make the compiler warn (and so break -Werror builds) when combined,
// e.g. gcc's -fprefetch-loop-arrays with -Os. `with` holds -O levels or option spellings.
struct OptionConflict {
  std::string option;
  std::vector<std::string> with;
  std::string reason;
};

struct OptionTable {
  CompilerFamily family = CompilerFamily::Unknown;
  std::vector<std::string> opt_levels;      // allowed -O levels, e.g. "-O1","-O2","-O3","-Os"
  std::vector<std::string> unsafe_opt_levels; // "-Ofast"
  std::vector<FlagSpec> flags;              // -f and -m options
  std::vector<ParamSpec> params;            // gcc --param=name=N
  std::vector<ParamSpec> mllvm;             // clang -mllvm -name=N
  std::vector<std::string> march_values;    // "native" plus generic levels; cpus checked by pattern
  std::vector<std::string> mtune_values;    // "generic", "native", ... (-mtune and -march differ here)
  std::vector<std::string> cpus;            // cpu names both -march= and -mtune= accept
  std::vector<std::string> passes;          // clang: pass names allowed in a pipeline
  // clang: the pass-manager level of each pass ("module", "cgscc", "function", "loop"),
  // so a pipeline cannot put a pass where opt would abort.
  std::map<std::string, std::string> pass_levels;
  std::vector<std::string> mssa_passes;     // loop passes that only run inside loop-mssa(...)
  std::vector<OptionConflict> conflicts;
  std::vector<std::string> unsafe_groups;   // groups off by default
  // Flags a user may set for semantics (never flipped by a config), e.g.
  // "-fwrapv", "-fno-strict-aliasing", "-fno-exceptions", "-fPIC".
  std::vector<std::string> semantic_flags;

  const FlagSpec* find_flag(const std::string& positive_name) const;
  const ParamSpec* find_param(const std::string& name) const;
  const ParamSpec* find_mllvm(const std::string& name) const;
  bool is_unsafe_group(const std::string& group) const;
  // True when `option` matches an entry of semantic_flags ("-fstack-protector*" is a prefix pattern).
  bool is_semantic(const std::string& option) const;
  // The conflicts that name `option` on either side, as (other spelling, reason) pairs.
  std::vector<std::pair<std::string, std::string>> conflicts_of(const std::string& option) const;
};

// Parsed once per family from the embedded data; Unknown gives an empty table. Data
// that fails to parse also gives an empty table (fail closed: nothing is allowed).
const OptionTable& option_table(CompilerFamily family);
// The same parser, for tests and tools that load table text themselves.
Expected<OptionTable> parse_option_table(std::string_view json_text, CompilerFamily family);

} // namespace llmcc
