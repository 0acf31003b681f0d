// Where `llmcc-tool` (the subcommands) lives: the wrapper hands `llmcc tune`
// and friends to it, and starts the background pull with it.
#pragma once

#include <string>

namespace llmcc {

// LLMCC_TOOL, else beside this binary, else ../libexec/llmcc/ (an install);
// empty when none is there.
std::string tool_binary();

} // namespace llmcc
