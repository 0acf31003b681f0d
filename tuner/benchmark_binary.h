// Which program the benchmark runs, so the session can find its link and TUs:
// --binary, else the CMake target's artifact (--target), else the benchmark
// command's first word when llmcc recorded its link, else the one recorded
// binary the command names among its words (`sh -c 'prog -3 in && ...'`).
#pragma once

#include "util/expected.h"

#include <string>

namespace llmcc {

class Store;
struct TuneOptions;

// An absolute, canonical path. `build_dir` is canonical; `cwd` is where the
// benchmark runs. When nothing under `build_dir` was recorded, the command's
// first word is returned as it is (the session may then capture a CMake build).
Expected<std::string> resolve_benchmark_binary(const TuneOptions& options, const std::string& build_dir,
                                               const std::string& cwd, Store& store);

} // namespace llmcc
