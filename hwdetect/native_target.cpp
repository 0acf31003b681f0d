#include "hwdetect/native_target.h"

#include "util/process.h"
#include "util/strings.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace llmcc::hw {

namespace {

constexpr double k_timeout_sec = 60;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Splits a --help=target line into its option and value columns.
std::pair<std::string_view, std::string_view> split_help_line(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && is_space(line[start])) {
    ++start;
  }
  size_t end = start;
  while (end < line.size() && !is_space(line[end])) {
    ++end;
  }
  size_t value = end;
  while (value < line.size() && is_space(line[value])) {
    ++value;
  }
  size_t value_end = line.size();
  while (value_end > value && is_space(line[value_end - 1])) {
    --value_end;
  }
  return {line.substr(start, end - start), line.substr(value, value_end - value)};
}

// The double-quoted words of a clang -### job line; clang escapes '"', '\' and '$'
// inside them with a backslash.
std::vector<std::string> quoted_words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '"') {
      ++i;
      continue;
    }
    std::string word;
    ++i;
    while (i < line.size() && line[i] != '"') {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
      }
      word.push_back(line[i]);
      ++i;
    }
    ++i; // closing quote
    words.push_back(std::move(word));
  }
  return words;
}

// First line that says what went wrong, for error messages.
std::string diagnostic_excerpt(std::string_view text) {
  std::string first;
  for (const std::string& line : split(text, '\n')) {
    std::string t = trim(line);
    if (t.empty()) {
      continue;
    }
    if (t.find("error") != std::string::npos) {
      first = t;
      break;
    }
    if (first.empty()) {
      first = t;
    }
  }
  if (first.size() > 200) {
    first = first.substr(0, 200) + "...";
  }
  return first;
}

Expected<ProcessResult> run_compiler(const std::string& compiler, std::vector<std::string> args) {
  ProcessOptions opts;
  opts.argv.push_back(compiler);
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  // gcc translates "[enabled]"; the parsers need the C locale's words.
  opts.env_set["LC_ALL"] = "C";
  opts.stdin_data = std::string();
  opts.timeout_sec = k_timeout_sec;
  opts.max_capture = 4u << 20;
  auto result = run_process(opts);
  if (!result) {
    return Error{fmt::format("cannot run {}: {}", compiler, result.error().message)};
  }
  if (!result->success()) {
    std::string why = diagnostic_excerpt(result->err.empty() ? result->out : result->err);
    return Error{fmt::format("{} failed ({}){}{}", quote_for_display(opts.argv), result->describe(),
                             why.empty() ? "" : ": ", why)};
  }
  return result;
}

Expected<NativeTarget> query_gcc(const std::string& compiler) {
  auto result = run_compiler(compiler, {"-march=native", "-Q", "--help=target"});
  if (!result) {
    return result.error();
  }
  auto target = parse_gcc_target_help(result->out);
  if (!target) {
    return Error{fmt::format("{}: {}", compiler, target.error().message)};
  }
  return target;
}

Expected<NativeTarget> query_clang(const std::string& compiler) {
  auto result = run_compiler(compiler, {"-###", "-E", "-", "-march=native"});
  if (!result) {
    return result.error();
  }
  // The driver prints the jobs on stderr; stdout is read too in case a wrapper merged them.
  auto target = parse_clang_driver_output(result->err + "\n" + result->out);
  if (!target) {
    return Error{fmt::format("{}: {}", compiler, target.error().message)};
  }
  return target;
}

} // namespace

bool is_gcc_isa_option(std::string_view name) {
  // Tuning and ABI switches that share an ISA-looking prefix.
  static constexpr std::array<std::string_view, 4> k_not_isa = {
      "avx256-split-unaligned-load", "avx256-split-unaligned-store", "sse2avx", "sseregparm"};
  static constexpr std::array<std::string_view, 5> k_prefixes = {"avx", "sse", "fma", "bmi", "amx"};
  // "ssse3" is listed because it does not share the "sse" prefix.
  static constexpr std::array<std::string_view, 12> k_exact = {
      "ssse3", "popcnt", "lzcnt", "movbe", "aes",        "pclmul",
      "sha",   "adx",    "f16c",  "vaes",  "vpclmulqdq", "gfni"};
  if (name.empty() || name.back() == '=') {
    return false;
  }
  if (std::find(k_not_isa.begin(), k_not_isa.end(), name) != k_not_isa.end()) {
    return false;
  }
  if (std::find(k_exact.begin(), k_exact.end(), name) != k_exact.end()) {
    return true;
  }
  return std::any_of(k_prefixes.begin(), k_prefixes.end(),
                     [&](std::string_view p) { return starts_with(name, p); });
}

Expected<NativeTarget> parse_gcc_target_help(std::string_view text) {
  NativeTarget target;
  bool saw_march = false;
  for (const std::string& line : split(text, '\n')) {
    auto [option, value] = split_help_line(line);
    if (!starts_with(option, "-m")) {
      continue;
    }
    if (option == "-march=") {
      if (!saw_march) {
        target.cpu = std::string(value);
        saw_march = true;
      }
    } else if (option == "-mtune=") {
      if (target.tune.empty()) {
        target.tune = std::string(value);
      }
    } else if (value == "[enabled]") {
      std::string_view name = option.substr(2);
      if (is_gcc_isa_option(name)) {
        target.features.push_back("+" + std::string(name));
      }
    }
  }
  if (!saw_march) {
    return Error{"no -march= line in the output of -Q --help=target (not gcc?)"};
  }
  if (target.cpu.empty()) {
    return Error{"gcc reported an empty -march= for native"};
  }
  std::sort(target.features.begin(), target.features.end());
  target.features.erase(std::unique(target.features.begin(), target.features.end()),
                        target.features.end());
  return target;
}

Expected<NativeTarget> parse_clang_driver_output(std::string_view text) {
  NativeTarget target;
  for (const std::string& line : split(text, '\n')) {
    // Job lines start with the quoted program path; the rest (version, InstalledDir,
    // warnings) is prose.
    std::string_view l = line;
    while (!l.empty() && is_space(l.front())) {
      l.remove_prefix(1);
    }
    if (l.empty() || l.front() != '"') {
      continue;
    }
    std::vector<std::string> words = quoted_words(l);
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] == "-target-cpu" && target.cpu.empty()) {
        target.cpu = words[++i];
      } else if (words[i] == "-tune-cpu" && target.tune.empty()) {
        target.tune = words[++i];
      } else if (words[i] == "-target-feature") {
        target.features.push_back(words[++i]);
      }
    }
    if (!target.cpu.empty()) {
      break; // one compile job is all -E - produces; later jobs would repeat it
    }
  }
  if (target.cpu.empty()) {
    std::string why = diagnostic_excerpt(text);
    return Error{
        fmt::format("no -target-cpu in the clang driver output{}{}", why.empty() ? "" : ": ", why)};
  }
  return target;
}

Expected<NativeTarget> resolve_native(const std::string& compiler_path) {
  if (compiler_path.empty()) {
    return Error{"no compiler given"};
  }
  auto version = run_compiler(compiler_path, {"--version"});
  if (!version) {
    return version.error();
  }
  if (to_lower(version->out + version->err).find("clang") != std::string::npos) {
    return query_clang(compiler_path);
  }
  auto gcc = query_gcc(compiler_path);
  if (gcc) {
    return gcc;
  }
  // Some clang-based compilers (icx, vendor forks) do not say "clang" in --version.
  auto clang = query_clang(compiler_path);
  if (clang) {
    return clang;
  }
  return Error{fmt::format("cannot resolve -march=native for {}: neither gcc's -Q --help=target "
                           "nor clang's -### worked ({})",
                           compiler_path, gcc.error().message)};
}

bool NativeTarget::enables(std::string_view feature) const {
  return std::any_of(features.begin(), features.end(), [&](const std::string& f) {
    return f.size() == feature.size() + 1 && f[0] == '+' &&
           std::string_view(f).substr(1) == feature;
  });
}

bool NativeTarget::mentions(std::string_view feature) const {
  return std::any_of(features.begin(), features.end(), [&](const std::string& f) {
    return f.size() == feature.size() + 1 && (f[0] == '+' || f[0] == '-') &&
           std::string_view(f).substr(1) == feature;
  });
}

nlohmann::json NativeTarget::to_json() const {
  return {{"cpu", cpu}, {"tune", tune}, {"features", features}};
}

} // namespace llmcc::hw
