// The compile path: classify, look up, apply, record, run. Whatever goes wrong
// inside llmcc, the real compiler still runs with the user's original arguments.
#pragma once

#include "wrapper/invocation.h"

namespace llmcc {

// Runs the compiler for this invocation; returns its exit status (or does not
// return, having exec'd it).
int run_compiler(const Invocation& inv);

} // namespace llmcc
