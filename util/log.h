// Diagnostics. llmcc runs inside other people's builds, so it speaks only when
// something is wrong, and always with the "llmcc:" prefix so users know who spoke.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace llmcc::log {

void write(std::string_view level, std::string_view message);
bool debug_enabled();
// Suppresses warnings (LLMCC_QUIET=1); errors still print.
bool quiet();

template <class... Args> void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (!quiet()) {
    write("warning", fmt::format(f, std::forward<Args>(args)...));
  }
}
template <class... Args> void error(fmt::format_string<Args...> f, Args&&... args) {
  write("error", fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args> void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (debug_enabled()) {
    write("debug", fmt::format(f, std::forward<Args>(args)...));
  }
}

} // namespace llmcc::log
