#include "wrapper/invocation.h"

#include <algorithm>
#include <array>

#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"

namespace llmcc {

std::span<const std::string_view> tool_subcommands() {
  static constexpr std::array<std::string_view, 15> names = {
      "hw",     "stats",  "show",         "config", "winners", "tune",    "explain",  "forget",
      "report", "cmake-import", "cache", "help",   "version", "features", "similar"};
  return names;
}

bool is_tool_command(const std::string& word) {
  if (word == "-h" || word == "--help") {
    return true;
  }
  const auto names = tool_subcommands();
  return std::find(names.begin(), names.end(), word) != names.end();
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
