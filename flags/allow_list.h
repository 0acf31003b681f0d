// The single gate for untrusted configurations (docs/design.md, "The flow of a
// compile", step 5). Every config from the database, a bundle, a remote store or
// an LLM passes check_config() before any of it reaches a command line. It is an
// allow-list: an option is accepted only if the option table knows it, with a
// value in range; a pipeline must pass check_pipeline() (flags/pipeline_check.h).
#pragma once

#include "flags/compiler_family.h"
#include "flags/tune_config.h"

#include <string>
#include <vector>

namespace llmcc {

struct SafetyPolicy {
  bool allow_unsafe_math = false; // -ffast-math and kin, -Ofast
  bool allow_errno_math = true;   // -fno-math-errno (see docs/design.md)
};

struct Violation {
  std::string option;
  std::string reason;
};

std::vector<Violation> check_config(const TuneConfig& config, CompilerFamily family,
                                    const SafetyPolicy& policy = {});
// Convenience: a one-line message listing the violations.
std::string describe_violations(const std::vector<Violation>& v);

} // namespace llmcc
