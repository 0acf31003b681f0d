// What a tuning session tells the user while it runs: on stderr, one line per
// event, or one updating status line on a terminal.
#pragma once

#include <string>

namespace llmcc {

class Progress {
public:
  explicit Progress(bool quiet);
  // A line that stays.
  void line(const std::string& text);
  // A line that the next status or line replaces (on a terminal).
  void status(const std::string& text);
  void clear();

private:
  bool m_quiet;
  bool m_tty;
  size_t m_open = 0;
};

// "[#####.....]" for a fraction done.
std::string progress_bar(double fraction, int width = 20);
// "42s", "3m05s".
std::string format_duration(double seconds);

} // namespace llmcc
