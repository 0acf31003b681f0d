#include "util/log.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace llmcc::log {

static bool env_true(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0" && std::string_view(v) != "false";
}

bool debug_enabled() {
  static const bool enabled = env_true("LLMCC_DEBUG");
  return enabled;
}

bool quiet() {
  static const bool q = env_true("LLMCC_QUIET");
  return q;
}

void write(std::string_view level, std::string_view message) {
  std::string line = fmt::format("llmcc: {}: {}\n", level, message);
  // One write() so lines from parallel wrappers do not interleave mid-line.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

} // namespace llmcc::log
