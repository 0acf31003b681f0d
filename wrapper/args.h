// Argument classification: is this a single-source compile llmcc may tune, or
// something to pass through untouched (and why)? Modelled on ccache's split:
// anything unusual is passed through and counted, never guessed at.
#pragma once

#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

// MultiCompile: `-c` of several C/C++ sources and nothing the split would change
// (no -o, -MF/-MT/-MQ or -x): run as one Compile per source (args_for_source).
enum class CommandKind { Compile, MultiCompile, Link, Passthrough };

struct ClassifiedArgs {
  CommandKind kind = CommandKind::Passthrough;
  // Counter name for passthroughs: "probe", "preprocess", "assembly_output",
  // "dependency_only", "syntax_only", "multiple_sources", "stdin_input",
  // "unsupported_language", "unknown_option", "bad_response_file", "no_input", ...
  std::string reason;
  std::string detail; // the offending argument, for `llmcc stats -v` and debugging

  std::vector<std::string> args; // response files expanded (argv[0] excluded)
  bool had_response_file = false;

  // Compile:
  std::string source;   // as written on the command line
  std::string language; // "c" or "c++"
  std::string output;   // as written, or the default <stem>.o
  // MultiCompile: the sources in order, and where each stands in `args`.
  std::vector<std::string> sources;
  std::vector<size_t> source_positions;
  // Link:
  std::vector<std::string> inputs; // non-option operands (objects, archives, sources)
  std::vector<std::string> libraries; // -lfoo
};

// `args` excludes argv[0]. `is_cxx_driver` decides the language of ambiguous inputs.
ClassifiedArgs classify_args(const std::vector<std::string>& args, bool is_cxx_driver,
                             const std::string& cwd);

// The arguments of a MultiCompile's `i`-th compile: every option, that source alone.
std::vector<std::string> args_for_source(const ClassifiedArgs& multi, size_t i);

// Expands @file arguments (recursively, bounded), as gcc and clang do.
Expected<std::vector<std::string>> expand_response_files(const std::vector<std::string>& args,
                                                         const std::string& cwd);

} // namespace llmcc
