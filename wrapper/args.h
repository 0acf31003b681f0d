// Argument classification: is this a single-source compile llmcc may tune, or
// something to pass through untouched (and why)? Modelled on ccache's split:
// anything unusual is passed through and counted, never guessed at.
#pragma once

#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

enum class CommandKind { Compile, Link, Passthrough };

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
  // Link:
  std::vector<std::string> inputs; // non-option operands (objects, archives, sources)
  std::vector<std::string> libraries; // -lfoo
};

// `args` excludes argv[0]. `is_cxx_driver` decides the language of ambiguous inputs.
ClassifiedArgs classify_args(const std::vector<std::string>& args, bool is_cxx_driver,
                             const std::string& cwd);

// Expands @file arguments (recursively, bounded), as gcc and clang do.
Expected<std::vector<std::string>> expand_response_files(const std::vector<std::string>& args,
                                                         const std::string& cwd);

// The arguments that define what a TU compiles to, minus what does not matter to
// the optimiser's result: output and dependency-file options, the source, the -O
// level, warnings and diagnostics, and preprocessor options (their effect is in the
// preprocessed text). Used in the TU key.
std::vector<std::string> normalized_base_flags(const std::vector<std::string>& args,
                                               const std::string& source);

// The command that preprocesses the TU to stdout: the original compile with -c,
// -o and dependency-file options removed and -E -P added.
std::vector<std::string> preprocess_args(const std::vector<std::string>& args);

} // namespace llmcc
