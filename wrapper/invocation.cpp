#include "wrapper/invocation.h"

#include <array>

#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"

namespace llmcc {

bool is_tool_command(const std::string& word) {
  static const std::array words = {"hw",      "stats",   "show",   "config", "tune",
                                   "export",  "import",  "remote", "explain", "cmake-import",
                                   "winners", "help",    "--help", "-h",     "--version",
                                   "sessions", "zero-stats", "doctor", "features", "db"};
  for (const char* w : words) {
    if (word == w) {
      return true;
    }
  }
  return false;
}

Invocation parse_invocation(int argc, const char* const* argv) {
  Invocation inv;
  inv.invoked_as = fs::base_name(argc > 0 ? argv[0] : "llmcc");
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    rest.emplace_back(argv[i]);
  }
  const bool llmcc_name = starts_with(inv.invoked_as, "llmcc");
  inv.is_cxx = inv.invoked_as.find("++") != std::string::npos ||
               inv.invoked_as.find("cxx") != std::string::npos;
  if (llmcc_name && (rest.empty() || is_tool_command(rest[0]))) {
    inv.mode = Invocation::Mode::Tool;
    inv.args = rest;
    return inv;
  }
  if (llmcc_name && looks_like_compiler(rest[0])) {
    inv.launcher = true;
    inv.compiler = rest[0];
    std::string base = fs::base_name(rest[0]);
    inv.is_cxx = base.find("++") != std::string::npos || base == "c++" ||
                 base.find("icpc") != std::string::npos || base.find("icpx") != std::string::npos;
    rest.erase(rest.begin());
  }
  inv.args = rest;
  return inv;
}

} // namespace llmcc
