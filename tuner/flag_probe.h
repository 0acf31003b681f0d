// Which tunable options the local compiler really accepts. The option tables list
// what a family supports in general; a given gcc or clang build may lack some
// (older versions, distribution patches), and every config that names one would
// fail to compile. Probing once per compiler keeps them out of the search space.
#pragma once

#include "flags/compiler_family.h"

#include <cstddef>
#include <string>
#include <vector>

namespace llmcc {

// `options` are option names as SearchSpace::option_names gives them: "-funroll-loops",
// "-fvect-cost-model", "--param=max-unroll-times", "-mllvm -unroll-threshold". Options
// that need a value are probed with a valid one from the option table. Returns the
// accepted ones, in input order. Each probe compiles an empty C file with -Werror,
// so an option the compiler ignores with a warning counts as rejected. Options are compiled in batches and bisected only
// where a batch fails, so a list that is mostly accepted costs a few compiler runs.
// `compiler_runs`, if given, receives the number of compiler runs made.
std::vector<std::string> probe_options(const std::string& compiler_path, CompilerFamily family,
                                       const std::vector<std::string>& options,
                                       size_t* compiler_runs = nullptr);

// The argv tokens probe_options passes for one option name.
std::vector<std::string> probe_tokens(const std::string& option, CompilerFamily family);

} // namespace llmcc
