// llmcc / llmcc++: the program on every compile's path. It decides whether this
// is a compile (wrapper/compile.cpp) or a tool command, which it hands to
// llmcc-tool so the compile path stays small.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"
#include "wrapper/compile.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/invocation.h"
#include "wrapper/tool_binary.h"

using namespace llmcc;

// Rule 1: whatever went wrong inside llmcc, the user's command still runs.
[[noreturn]] static void fall_back(const Invocation& inv) {
  auto compiler = resolve_real_compiler(inv, Config::load(fs::current_dir()));
  if (!compiler) {
    log::debug("{}", compiler.error().message);
    log::error("no real compiler to fall back to");
    std::exit(127);
  }
  std::vector<std::string> argv = {*compiler};
  argv.insert(argv.end(), inv.args.begin(), inv.args.end());
  Error e = exec_replace(argv);
  log::error("{}", e.message);
  std::exit(127);
}

int main(int argc, char** argv) {
  Invocation inv = parse_invocation(argc, argv);
  if (inv.mode == Invocation::Mode::Tool) {
    std::string tool = tool_binary();
    if (tool.empty()) {
      log::error("llmcc-tool not found next to {} (set LLMCC_TOOL)", fs::self_exe());
      return 2;
    }
    std::vector<std::string> args = {tool};
    args.insert(args.end(), inv.args.begin(), inv.args.end());
    Error e = exec_replace(args);
    log::error("{}", e.message);
    return 2;
  }
  try {
    return run_compiler(inv);
  } catch (const std::exception& e) {
    log::warn("internal error ({}); running the plain compiler", e.what());
  } catch (...) {
    log::warn("internal error; running the plain compiler");
  }
  fall_back(inv);
}
