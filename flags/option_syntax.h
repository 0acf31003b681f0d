// How an option is spelled, split into its parts. The allow-list and apply_config
// both use this, so "the same option" means the same thing to both: -funroll-loops
// and -fno-unroll-loops are one option, as are --param=max-unroll-times=4 and
// --param=max-unroll-times=8.
#pragma once

#include <string>
#include <string_view>

namespace llmcc {

enum class OptionForm {
  OptLevel, // -O, -O2, -Os, -Ofast, ...
  Flag,     // -fX, -fno-X, -fX=v, -mX, -mno-X, -mX=v
  Param,    // --param=name=N
  Mllvm,    // "-mllvm -name=N" (one element, one space)
  Other,
};

struct OptionParts {
  OptionForm form = OptionForm::Other;
  // Equal for options that set the same thing: "O", "f:unroll-loops", "m:arch",
  // "param:max-unroll-times", "mllvm:unroll-threshold". Empty for Other.
  std::string identity;
  // Flag: the positive spelling without value ("-funroll-loops", "-march");
  // Param/Mllvm: the param or knob name.
  std::string name;
  bool negated = false; // -fno-X / -mno-X
  bool has_value = false;
  std::string value; // after the first '=' (flags) or the name's '=' (params, knobs)
};

bool is_opt_level(std::string_view token);
// Splits one option element as a config holds it. The two-token command-line forms
// ("--param" "n=v", "-mllvm" "-k=v") are joined by the caller first.
OptionParts split_option(std::string_view option);
// Prefix-pattern match used for semantic_flags: "-fstack-protector*" matches
// "-fstack-protector-strong"; without '*' the match is exact.
bool matches_pattern(std::string_view option, std::string_view pattern);

} // namespace llmcc
