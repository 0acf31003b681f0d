// The space of configurations for one TU: which -O levels, flags, params, knobs,
// -march choices and (clang) pipelines may be tried with this compiler on this
// hardware. Built from the option table (flags/data/*.json), minus what the
// compiler rejects when probed and minus the unsafe groups the user did not allow.
#pragma once

#include "flags/allow_list.h"
#include "flags/compiler_family.h"
#include "flags/tune_config.h"

#include <random>
#include <string>
#include <vector>

namespace llmcc {

// One searchable choice. A config sets each dimension to one of its values or
// leaves it at "unset" (index 0 of `values` is always "", meaning: not on the
// command line, the -O level's default).
struct Dimension {
  std::string name;   // "-funroll-loops", "--param=max-unroll-times", "-mllvm -unroll-threshold", "-O", "-march"
  std::string group;  // "loop", "vectorize", "inline", "opt", "target", ...
  std::vector<std::string> values; // the option text for each choice; values[0] == ""
};

class SearchSpace {
public:
  SearchSpace() = default;
  SearchSpace(CompilerFamily family, std::vector<Dimension> dims) : m_family(family), m_dims(std::move(dims)) {}

  // From the option table for `family`, with the policy's unsafe groups removed.
  // `accepted` filters options the local compiler accepts (nullptr: all).
  static SearchSpace build(CompilerFamily family, const SafetyPolicy& policy,
                           const std::vector<std::string>* accepted_options = nullptr);
  // The option names build() considers, spelled as `accepted_options` expects them
  // ("-funroll-loops", "--param=max-unroll-times", "-mllvm -unroll-threshold"): the
  // list to hand to probe_options (tuner/flag_probe.h). -O and -march are not in it.
  static std::vector<std::string> option_names(CompilerFamily family, const SafetyPolicy& policy);

  CompilerFamily family() const { return m_family; }
  const std::vector<Dimension>& dims() const { return m_dims; }
  size_t size() const { return m_dims.size(); }

  // A point is one value index per dimension.
  using Point = std::vector<int>;
  // Options that conflict (OptionTable::conflicts) with the -O level or with an
  // earlier dimension's option are left out, so every config is -Werror clean.
  TuneConfig to_config(const Point& p) const;
  // Maps a config back to a point; options outside the space are ignored
  // (returned in `unknown`, if given).
  Point to_point(const TuneConfig& c, std::vector<std::string>* unknown = nullptr) const;
  Point random_point(std::mt19937_64& rng, double density = 0.3) const;
  // The -O dimension's index (always present), or -1.
  int opt_dimension() const;

private:
  CompilerFamily m_family = CompilerFamily::Unknown;
  std::vector<Dimension> m_dims;
};

} // namespace llmcc
