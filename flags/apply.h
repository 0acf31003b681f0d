// Merging a (validated) config into a user's compile arguments.
//
// The config replaces only the optimisation part: the user's -O level goes when the
// config has one, and a user's tunable optimisation flag goes when the config sets
// the same option. Everything else stays: defines, includes, warnings, -g, ABI and
// semantic flags (-fwrapv, -fno-strict-aliasing, -fPIC, -std=...). A config option
// that would flip a flag the user set for semantics, or that the user set explicitly
// (e.g. the user's own -march=), is dropped and reported. Config tokens are placed
// after the user's options so that "last one wins" means the config.
#pragma once

#include "flags/compiler_family.h"
#include "flags/tune_config.h"

#include <string>
#include <vector>

namespace llmcc {

struct AppliedArgs {
  std::vector<std::string> args;    // the new argument list (without argv[0])
  std::vector<std::string> dropped; // config options not applied, with the reason: "-march=native (user set -march=x86-64)"
};

// `args` excludes argv[0]. Config must already have passed check_config.
AppliedArgs apply_config(const std::vector<std::string>& args, const TuneConfig& config,
                         CompilerFamily family);

} // namespace llmcc
