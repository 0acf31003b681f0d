#include "tuner/benchmark_output.h"

#include "util/strings.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <regex>

namespace llmcc {

namespace {

// Accepts surrounding whitespace and a leading '+', which from_chars does not.
std::optional<double> parse_number(std::string_view s) {
  std::string t = trim(s);
  std::string_view v = t;
  if (!v.empty() && v.front() == '+') {
    v.remove_prefix(1);
  }
  if (v.empty()) {
    return std::nullopt;
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::optional<double> time_unit_seconds(const std::string& unit) {
  if (unit == "ns") {
    return 1e-9;
  }
  if (unit == "us") {
    return 1e-6;
  }
  if (unit == "ms") {
    return 1e-3;
  }
  if (unit == "s") {
    return 1.0;
  }
  return std::nullopt;
}

// Programs sometimes print their own lines before the JSON document; the
// document itself starts with a line that is just "{".
std::optional<nlohmann::json> parse_json_document(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    return j;
  }
  size_t begin = starts_with(text, "{") ? 0 : text.find("\n{");
  if (begin != std::string::npos && begin != 0) {
    ++begin;
  }
  size_t end = text.rfind("\n}");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return std::nullopt;
  }
  j = nlohmann::json::parse(text.substr(begin, end + 2 - begin), nullptr, false);
  if (j.is_discarded()) {
    return std::nullopt;
  }
  return j;
}

} // namespace

Expected<std::map<std::string, double>> parse_gbench_json(const std::string& text) {
  auto doc = parse_json_document(text);
  if (!doc) {
    return Error{"output is not JSON"};
  }
  const nlohmann::json& j = *doc;
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array()) {
    return Error{"JSON has no 'benchmarks' array"};
  }
  struct Entry {
    std::string name;
    bool aggregate = false;
    std::string aggregate_name;
    double seconds = 0;
  };
  std::vector<Entry> entries;
  for (const auto& b : j["benchmarks"]) {
    if (!b.is_object()) {
      continue;
    }
    std::string name = b.value("run_name", b.value("name", std::string()));
    if (name.empty()) {
      return Error{"benchmark entry without a name"};
    }
    if (b.value("error_occurred", false)) {
      return Error{fmt::format("benchmark {} reported an error: {}", name,
                               b.value("error_message", std::string()))};
    }
    Entry e;
    e.name = name;
    e.aggregate = b.value("run_type", std::string()) == "aggregate";
    e.aggregate_name = b.value("aggregate_name", std::string());
    // stddev and cv aggregates are not times; cv is even reported in percent.
    if (e.aggregate && e.aggregate_name != "mean" && e.aggregate_name != "median") {
      continue;
    }
    // Not emitted by every Google Benchmark version; honoured when present.
    bool real = b.value("use_real_time", false) || b.value("use_manual_time", false);
    const char* field = real ? "real_time" : "cpu_time";
    if (!b.contains(field) || !b[field].is_number()) {
      return Error{fmt::format("benchmark {} has no {}", name, field)};
    }
    auto unit = time_unit_seconds(b.value("time_unit", std::string("ns")));
    if (!unit) {
      return Error{fmt::format("benchmark {} has an unknown time_unit", name)};
    }
    e.seconds = b[field].get<double>() * *unit;
    if (!(e.seconds > 0) || !std::isfinite(e.seconds)) {
      // A zero time would make the geometric mean zero: an unbeatable fake score.
      return Error{fmt::format("benchmark {} reported a non-positive time", name)};
    }
    entries.push_back(std::move(e));
  }
  bool has_runs =
      std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return !e.aggregate; });
  std::map<std::string, std::vector<double>> runs;
  std::map<std::string, double> medians;
  std::map<std::string, double> means;
  for (const auto& e : entries) {
    if (has_runs && !e.aggregate) {
      runs[e.name].push_back(e.seconds);
    } else if (!has_runs) {
      (e.aggregate_name == "median" ? medians : means)[e.name] = e.seconds;
    }
  }
  std::map<std::string, double> out;
  for (auto& [name, v] : runs) {
    // Repetitions of one benchmark: their median, robust to one slow repetition.
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    out[name] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  for (const auto& [name, v] : means) {
    out[name] = v;
  }
  for (const auto& [name, v] : medians) {
    out[name] = v;
  }
  if (out.empty()) {
    return Error{"no benchmarks in JSON"};
  }
  return out;
}

Expected<double> parse_regex_score(const std::string& text, const std::string& regex) {
  std::regex re;
  try {
    re = std::regex(regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error{fmt::format("invalid regex '{}': {}", regex, e.what())};
  }
  // Line by line: libstdc++'s matcher recurses per character, so one search over
  // megabytes of output could overflow the stack.
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    std::smatch m;
    bool found = false;
    try {
      found = std::regex_search(line, m, re);
    } catch (const std::regex_error&) {
      found = false; // complexity or stack limits on a pathological line
    }
    if (found) {
      std::string captured = m.size() > 1 ? m[1].str() : m[0].str();
      auto v = parse_number(captured);
      if (!v) {
        return Error{fmt::format("regex matched '{}', which is not a number", captured)};
      }
      return *v;
    }
    if (nl == std::string::npos) {
      break;
    }
    pos = nl + 1;
  }
  return Error{fmt::format("no match for regex '{}'", regex)};
}

Expected<double> parse_callgrind_total(const std::string& text) {
  size_t ir_index = 0;
  std::optional<double> totals;
  std::optional<double> summary;
  for (const auto& raw : split(text, '\n')) {
    std::string_view line = raw;
    auto field_values = [&](std::string_view key) -> std::optional<std::vector<std::string>> {
      if (!starts_with(line, key)) {
        return std::nullopt;
      }
      std::vector<std::string> out;
      for (auto& w : split(line.substr(key.size()), ' ')) {
        std::string t = trim(w);
        if (!t.empty()) {
          out.push_back(t);
        }
      }
      return out;
    };
    if (auto events = field_values("events:")) {
      // Ir is first unless someone configured extra events; find it anyway.
      auto it = std::find(events->begin(), events->end(), "Ir");
      ir_index = it == events->end() ? 0 : static_cast<size_t>(it - events->begin());
    } else if (auto t = field_values("totals:")) {
      if (ir_index < t->size()) {
        totals = parse_number((*t)[ir_index]);
      }
    } else if (auto s = field_values("summary:")) {
      if (ir_index < s->size()) {
        summary = parse_number((*s)[ir_index]);
      }
    }
  }
  std::optional<double> v = totals ? totals : summary;
  if (!v) {
    return Error{"no totals or summary line in callgrind output"};
  }
  if (*v <= 0) {
    return Error{"callgrind counted no instructions"};
  }
  return *v;
}

} // namespace llmcc
