// The TU key: what identifies a translation unit's code across builds, machines
// and checkouts, so a winner tuned once applies wherever the same code is built
// with the same compiler and flags.
//
//   tu_key = xxh3-128("llmcc-tu-key-v1", compiler id, language,
//                     normalised base flags, preprocessed text)
//
// with the checkout root replaced by "." in both the flags and the text, so a
// teammate's checkout in another directory gets the same key (docs/design.md).
#pragma once

#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

struct TuContext;

// The arguments that define what a TU compiles to, minus what does not matter to
// the optimiser's result: output and dependency-file options, the source, the -O
// level, warnings and diagnostics, and preprocessor options (their effect is in the
// preprocessed text).
std::vector<std::string> normalized_base_flags(const std::vector<std::string>& args,
                                               const std::string& source);

// The command that preprocesses the TU to stdout: the original compile with -c,
// -o and dependency-file options removed and -E -P added.
std::vector<std::string> preprocess_args(const std::vector<std::string>& args);

// Runs the preprocessor once and hashes. Only called when a winner might apply
// (the miss path never preprocesses).
Expected<std::string> compute_tu_key(const TuContext& tu);

} // namespace llmcc
