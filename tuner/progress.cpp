#include "tuner/progress.h"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace llmcc {

Progress::Progress(bool quiet) : m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) != 0) {}

void Progress::line(const std::string& text) {
  if (m_quiet) {
    return;
  }
  clear();
  fmt::print(stderr, "{}\n", text);
}

void Progress::status(const std::string& text) {
  if (m_quiet) {
    return;
  }
  if (m_tty) {
    clear();
    std::string t = text.size() > 150 ? text.substr(0, 147) + "..." : text;
    fmt::print(stderr, "{}", t);
    m_open = t.size();
  } else {
    fmt::print(stderr, "{}\n", text);
  }
}

void Progress::clear() {
  if (m_open) {
    fmt::print(stderr, "\r{}\r", std::string(m_open, ' '));
    m_open = 0;
  }
}

std::string progress_bar(double fraction, int width) {
  int filled = static_cast<int>(std::round(std::clamp(fraction, 0.0, 1.0) * width));
  return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.') +
         "]";
}

std::string format_duration(double s) {
  if (s < 60) {
    return fmt::format("{:.0f}s", s);
  }
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

} // namespace llmcc
