#include "tuner/progress.h"

#include <fmt/format.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "util/strings.h"

namespace llmcc {

namespace {

constexpr std::string_view kMllvm = "-mllvm ";
constexpr std::string_view kCut = "...";
// Below this a config says nothing useful; the source name gives way first.
constexpr size_t kMinConfigChars = 16;

bool is_native(const std::string& option) { return option == "-march=native"; }

// The named base a config is shown against, and what it adds to that base.
struct Difference {
  std::string base;
  std::vector<std::string> added;
};

std::string added_form(const std::string& option) {
  auto without_dashes = [](std::string_view o) { return std::string(o.substr(std::min(o.find_first_not_of('-'), o.size()))); };
  if (starts_with(option, kMllvm)) {
    return "+mllvm:" + without_dashes(std::string_view(option).substr(kMllvm.size()));
  }
  return "+" + without_dashes(option);
}

Difference difference_of(const TuneConfig& c) {
  Difference d;
  bool native = std::any_of(c.options.begin(), c.options.end(), is_native);
  d.base = c.opt_level.empty() ? "(default)" : c.opt_level;
  if (native) {
    d.base += " -march=native";
  }
  // Part of the base: a shortened config still says it uses the profile.
  if (c.uses_profile()) {
    d.base += " pgo=use";
  }
  for (const auto& o : c.options) {
    if (!is_native(o)) {
      d.added.push_back(added_form(o));
    }
  }
  if (!c.pipeline.empty()) {
    d.added.push_back("+passes=" + c.pipeline);
  }
  return d;
}

std::string with_added(const std::string& base, const std::vector<std::string>& added, size_t count) {
  std::string out = base;
  for (size_t i = 0; i < count; ++i) {
    out += ' ' + added[i];
  }
  return out;
}

size_t ioctl_width() {
  struct winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 0;
}

} // namespace

Progress::Progress(bool quiet, bool whole)
    : m_quiet(quiet), m_whole(whole), m_tty(::isatty(STDERR_FILENO) != 0) {}

void Progress::line(const std::string& text) {
  if (m_quiet) {
    return;
  }
  clear();
  if (m_whole) {
    fmt::print(stderr, "{}\n", text);
    return;
  }
  // Wrapped at words by us, so the terminal never breaks a word or a path.
  size_t width = terminal_width();
  std::string current;
  for (const auto& word : split(text, ' ')) {
    if (!current.empty() && current.size() + 1 + word.size() > width) {
      fmt::print(stderr, "{}\n", fit_to_width(current, width));
      current = "    ";
    }
    current += (current.empty() || current == "    " ? "" : " ") + word;
  }
  fmt::print(stderr, "{}\n", fit_to_width(current, width));
}

void Progress::status(const std::string& text) {
  if (m_quiet) {
    return;
  }
  if (m_tty) {
    clear();
    // One column short: a line that fills the last column wraps on some terminals.
    std::string t = fit_to_width(text, terminal_width() - 1);
    fmt::print(stderr, "{}", t);
    m_open = t.size();
  } else {
    fmt::print(stderr, "{}\n", m_whole ? text : fit_to_width(text, terminal_width()));
  }
}

void Progress::trial(const TrialLine& t) {
  if (m_quiet) {
    return;
  }
  clear();
  fmt::print(stderr, "{}\n", format_trial_line(t, terminal_width(), m_whole));
}

void Progress::clear() {
  if (m_open) {
    fmt::print(stderr, "\r{}\r", std::string(m_open, ' '));
    m_open = 0;
  }
}

size_t terminal_width() {
  if (size_t w = ioctl_width()) {
    return w;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long w = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && w >= 20 && w <= 10000) {
      return static_cast<size_t>(w);
    }
  }
  return 80;
}

std::string config_difference(const TuneConfig& c) {
  Difference d = difference_of(c);
  return with_added(d.base, d.added, d.added.size());
}

std::string short_config(const TuneConfig& c, const std::string& op, size_t max_chars) {
  Difference d = difference_of(c);
  std::string full = with_added(d.base, d.added, d.added.size());
  if (full.size() <= max_chars || d.added.empty()) {
    return fit_to_width(full, max_chars);
  }
  // As many additions as fit, and how many are left out.
  for (size_t shown = d.added.size() - 1; shown > 0; --shown) {
    std::string text = with_added(d.base, d.added, shown) + fmt::format(" +{} more", d.added.size() - shown);
    if (text.size() <= max_chars) {
      return text;
    }
  }
  std::string who = op.empty() ? d.base : op;
  std::string count = fmt::format("{}: {} option{} changed", who, d.added.size(), d.added.size() == 1 ? "" : "s");
  if (count.size() > max_chars) {
    count = fmt::format("{}: {} changed", who, d.added.size());
  }
  return fit_to_width(count, max_chars);
}

TuneConfig config_from_display(const std::string& text) {
  TuneConfig c;
  if (text == "(default)") {
    return c;
  }
  std::vector<std::string> words = split(text, ' ');
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i == 0 && starts_with(w, "-O")) {
      c.opt_level = w;
    } else if (starts_with(w, "passes=")) {
      c.pipeline = w.substr(7);
    } else if (w == "pgo=use") {
      c.pgo = kPgoRequest;
    } else if (w == "-mllvm" && i + 1 < words.size()) {
      c.options.push_back(w + " " + words[++i]);
    } else {
      c.options.push_back(w);
    }
  }
  return c;
}

std::string format_trial_line(const TrialLine& t, size_t width, bool whole) {
  auto prefix_with = [&](const std::string& source, bool aligned) {
    int digits = aligned ? static_cast<int>(std::to_string(std::max(t.budget, 1)).size()) : 1;
    std::string speedup = t.speedup ? fmt::format("{:.3f}x", *t.speedup) : "-";
    std::string profile = t.profile > 0 ? fmt::format(" (+{} profile)", t.profile) : "";
    return fmt::format("[{}] {:>{}}/{}{} {:<{}} {:>{}} best {:.3f}x ETA {} ", source, t.done, digits, t.budget,
                       profile, t.verdict, aligned ? 7 : 1, speedup, aligned ? 7 : 1, t.best,
                       format_duration(t.eta_sec));
  };
  if (whole) {
    return prefix_with(t.source, true) + t.config.display();
  }
  // The columns stay aligned while the whole difference fits; then they close
  // up, then the source gives way to its file name, and only then is the
  // candidate shortened.
  size_t slash = t.source.rfind('/');
  std::string base_name = slash == std::string::npos ? t.source : t.source.substr(slash + 1);
  std::string difference = config_difference(t.config);
  std::string prefix;
  for (const auto& [source, aligned] : {std::pair{t.source, true}, std::pair{t.source, false},
                                        std::pair{base_name, true}, std::pair{base_name, false}}) {
    prefix = prefix_with(source, aligned);
    if (prefix.size() + difference.size() <= width) {
      return prefix + difference;
    }
  }
  size_t room = width > prefix.size() ? width - prefix.size() : 0;
  return fit_to_width(prefix + short_config(t.config, t.op, std::max(room, kMinConfigChars)), width);
}

std::string fit_to_width(const std::string& text, size_t width) {
  if (text.size() <= width) {
    return text;
  }
  if (width <= kCut.size()) {
    return text.substr(0, width);
  }
  return text.substr(0, width - kCut.size()) + std::string(kCut);
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
