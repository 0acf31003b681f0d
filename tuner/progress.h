// What a tuning session tells the user while it runs: on stderr, one line per
// event that fits the terminal, or one updating status line on a terminal.
// Configs are shown as their difference from a named base ("-O3 -march=native
// +fno-math-errno"); the whole config stays in the database, `explain`, `--json`
// and the report.
#pragma once

#include "flags/tune_config.h"

#include <optional>
#include <string>

namespace llmcc {

// One screened candidate, as its progress line shows it.
struct TrialLine {
  std::string source; // project-relative
  int done = 0, budget = 0;
  std::string verdict;
  std::optional<double> speedup;
  double best = 1;
  double eta_sec = 0;
  std::string op; // the planner's operator ("seed", "explore", ...)
  TuneConfig config;
  int profile = 0; // --pgo: profile trials so far, on top of the budget ("12/12 (+3 profile)")
};

class Progress {
public:
  // `whole`: configs and lines are printed in full (-v), never shortened.
  explicit Progress(bool quiet, bool whole = false);
  // A line that stays; words past the terminal's width go on indented lines.
  void line(const std::string& text);
  // A line that the next status or line replaces (on a terminal).
  void status(const std::string& text);
  // One line per screened candidate, fitted to the terminal.
  void trial(const TrialLine& t);
  void clear();
  bool whole() const { return m_whole; }

private:
  bool m_quiet;
  bool m_whole;
  bool m_tty;
  size_t m_open = 0;
};

// The columns to fit a line to: the terminal's (stderr), else $COLUMNS, else 80.
size_t terminal_width();

// The config as its difference from the nearest named base: the -O level, with
// -march=native and the profile (pgo=use) when it has them ("-O3 -march=native
// +fno-math-errno"). An added
// option loses its leading dashes and gets a "+"; "-mllvm -x=1" shows as
// "+mllvm:x=1", a pass pipeline as "+passes=...".
std::string config_difference(const TuneConfig& c);
// config_difference when it fits in max_chars; else the base and the first few
// additions ("-O2 +fpeel-loops +41 more"); else "explore: 43 options changed"
// (`op` names the draw); else that cut to max_chars.
std::string short_config(const TuneConfig& c, const std::string& op, size_t max_chars);
// The inverse of TuneConfig::display(), for configs kept only as that text.
TuneConfig config_from_display(const std::string& text);
// The trial's line, at most `width` characters (unless `whole`).
std::string format_trial_line(const TrialLine& t, size_t width, bool whole);
// `text` cut to `width` characters, the cut marked with "...".
std::string fit_to_width(const std::string& text, size_t width);

// "[#####.....]" for a fraction done.
std::string progress_bar(double fraction, int width = 20);
// "42s", "3m05s".
std::string format_duration(double seconds);

} // namespace llmcc
