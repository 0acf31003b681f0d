// How llmcc was called: as the tool (`llmcc stats`), as a compiler
// (CC=llmcc, masquerade) or as a launcher in front of one (`llmcc g++ -c ...`).
#pragma once

#include <span>
#include <string>
#include <string_view>
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

// The subcommands of llmcc-tool, the one list of them: `llmcc` hands these words
// to the tool, and llmcc-tool refuses to start when what it registers differs
// (so the two cannot drift). Every other word goes to the real compiler, so that
// identification probes (--version, -v, -dumpversion, -print-*) get its answers.
std::span<const std::string_view> tool_subcommands();

// Words after `llmcc` that select the tool rather than a compile: a subcommand,
// or -h/--help.
bool is_tool_command(const std::string& word);

Invocation parse_invocation(int argc, const char* const* argv);

} // namespace llmcc
