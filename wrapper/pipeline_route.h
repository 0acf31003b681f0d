// The clang pass-pipeline route: front end to unoptimised bitcode, then
// `opt -passes=PIPELINE`, then clang's code generator on the result. Used when a
// config carries a pipeline; with "default<O3>" it produces the same code as
// plain -O3 (checked on 8 kernels), so any pipeline is compared fairly.
#pragma once

#include <string>
#include <vector>

namespace llmcc {

// `args` are the compile's arguments with the config already applied (its -O
// level and options in place), argv[0] excluded; `output` and `source` as in the
// command. Returns the exit status; the caller falls back to the plain compile
// on failure.
int compile_with_pipeline(const std::string& clang, const std::vector<std::string>& args,
                          const std::string& source, const std::string& output, const std::string& pipeline);

// The `opt` that belongs to this clang (same LLVM directory), else opt-14/opt in PATH.
std::string find_opt_for(const std::string& clang);

} // namespace llmcc
