#include "tuner/verification.h"

#include "util/process.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace llmcc {

namespace {

struct Line {
  size_t number; // 1-based, in the output as printed
  std::string text;
};

std::optional<std::regex> compile_ignore(const std::string& pattern) {
  if (pattern.empty()) {
    return std::nullopt;
  }
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    // A broken pattern must not hide differences: compare everything.
    return std::nullopt;
  }
}

bool ignored(const std::optional<std::regex>& re, const std::string& line) {
  if (!re) {
    return false;
  }
  try {
    return std::regex_search(line, *re);
  } catch (const std::regex_error&) {
    return false;
  }
}

std::vector<Line> normalise(const std::string& text, const std::optional<std::regex>& ignore) {
  std::vector<Line> out;
  size_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // \n, \r\n and a lone \r all end a line.
    size_t end = text.find_first_of("\r\n", pos);
    size_t next = end == std::string::npos ? text.size() : end + 1;
    if (end != std::string::npos && text[end] == '\r' && next < text.size() && text[next] == '\n') {
      ++next;
    }
    std::string line = text.substr(pos, (end == std::string::npos ? text.size() : end) - pos);
    ++number;
    pos = next;
    size_t keep = line.find_last_not_of(" \t\v\f");
    line.erase(keep == std::string::npos ? 0 : keep + 1);
    if (!ignored(ignore, line)) {
      out.push_back({number, std::move(line)});
    }
  }
  while (!out.empty() && out.back().text.empty()) {
    out.pop_back();
  }
  return out;
}

// A window of `s` around column `col`, printable, so a message stays near 120 characters.
std::string snippet(const std::string& s, size_t col) {
  constexpr size_t kWidth = 40;
  size_t begin = s.size() > kWidth && col > 16 ? std::min(col - 16, s.size() - kWidth) : 0;
  std::string out = begin > 0 ? "..." : "";
  for (size_t i = begin; i < s.size() && i < begin + kWidth; ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    out += ch < 0x20 || ch == 0x7f ? '?' : static_cast<char>(ch);
  }
  if (begin + kWidth < s.size()) {
    out += "...";
  }
  return out;
}

} // namespace

bool outputs_match(const std::string& baseline, const std::string& candidate, const OutputPolicy& policy) {
  if (!policy.compare) {
    return true;
  }
  auto re = compile_ignore(policy.ignore_regex);
  auto a = normalise(baseline, re);
  auto b = normalise(candidate, re);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const Line& x, const Line& y) { return x.text == y.text; });
}

std::string first_difference(const std::string& baseline, const std::string& candidate,
                             const OutputPolicy& policy) {
  if (!policy.compare) {
    return "";
  }
  auto re = compile_ignore(policy.ignore_regex);
  auto a = normalise(baseline, re);
  auto b = normalise(candidate, re);
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i].text == b[i].text) {
    ++i;
  }
  std::string msg;
  if (i < a.size() && i < b.size()) {
    const std::string& x = a[i].text;
    const std::string& y = b[i].text;
    auto diff = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
    size_t col = static_cast<size_t>(diff.first - x.begin());
    msg = fmt::format("line {}: expected '{}' got '{}'", a[i].number, snippet(x, col), snippet(y, col));
  } else if (i < a.size()) {
    msg = fmt::format("line {}: expected '{}' got end of output", a[i].number, snippet(a[i].text, 0));
  } else if (i < b.size()) {
    msg = fmt::format("line {}: expected end of output got '{}'", b[i].number, snippet(b[i].text, 0));
  }
  return msg;
}

VerifyResult run_verify(const std::vector<std::string>& argv, const std::string& cwd, double timeout_sec) {
  VerifyResult v;
  if (argv.empty()) {
    v.detail = "empty verify command";
    return v;
  }
  ProcessOptions po;
  po.argv = argv;
  po.cwd = cwd;
  po.timeout_sec = timeout_sec;
  po.max_capture = 1u << 20; // only the tail is reported
  auto res = run_process(po);
  if (!res) {
    v.detail = res.error().message;
    return v;
  }
  v.ok = res->success();
  v.detail = res->describe();

  // The last lines are where test drivers print their verdict. stdout then
  // stderr, as the two pipes cannot be interleaved after the fact.
  std::string combined = res->out;
  if (!combined.empty() && combined.back() != '\n' && !res->err.empty()) {
    combined += '\n';
  }
  combined += res->err;
  std::vector<std::string> tail;
  size_t end = combined.size();
  while (tail.size() < 5 && end > 0) {
    size_t nl = combined.rfind('\n', end - 1);
    size_t begin = nl == std::string::npos ? 0 : nl + 1;
    std::string line = combined.substr(begin, end - begin);
    size_t keep = line.find_last_not_of(" \t\r\v\f");
    line.erase(keep == std::string::npos ? 0 : keep + 1);
    if (!line.empty()) {
      if (line.size() > 200) {
        line = line.substr(0, 200) + "...";
      }
      tail.push_back(std::move(line));
    }
    end = nl == std::string::npos ? 0 : nl;
  }
  std::reverse(tail.begin(), tail.end());
  if (!tail.empty()) {
    v.detail += ":";
    for (const auto& l : tail) {
      v.detail += (&l == &tail.front() ? " " : " | ") + l;
    }
  }
  return v;
}

} // namespace llmcc
