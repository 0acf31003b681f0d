// How llmcc was called: as the tool (`llmcc stats`), as a compiler
// (CC=llmcc, masquerade) or as a launcher in front of one (`llmcc g++ -c ...`).
#pragma once

#include <string>
#include <vector>

namespace llmcc {

struct Invocation {
  enum class Mode { Tool, Compiler };
  Mode mode = Mode::Compiler;
  std::string invoked_as;          // argv[0]'s file name
  bool is_cxx = false;             // llmcc++ or a C++ compiler name
  bool launcher = false;           // compiler named on the command line
  std::string compiler;            // launcher: the given compiler word
  std::vector<std::string> args;   // compiler args, or tool args (without argv[0])
};

// Words after `llmcc` that select the tool rather than a compile.
bool is_tool_command(const std::string& word);

Invocation parse_invocation(int argc, const char* const* argv);

} // namespace llmcc
