#include "report/plots.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/render.h"
#include "report/svg.h"

namespace llmcc::report {

namespace {

using nlohmann::json;

constexpr double kLeft = 60, kRight = 20, kTop = 24, kBottom = 36;

double num(const json& j, const char* key, double fallback = 0) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

const char* planner_colour(size_t i) {
  static const char* colours[] = {"#1f77b4", "#9467bd", "#2ca02c", "#8c564b"};
  return colours[i % 4];
}

void grid_y(Svg& svg, const Scale& y, double x0, double x1, const char* unit) {
  for (double v : y.ticks(5)) {
    svg.line(x0, y(v), x1, y(v), "#e3e3e3");
    svg.text(x0 - 6, y(v) + 4, fmt::format("{:.3g}{}", v, unit), "end", 10);
  }
}

} // namespace

std::string verdict_colour(const std::string& verdict) {
  static const std::map<std::string, std::string> colours = {
      {"ok", "#1f77b4"},           {"identical", "#999999"},    {"compile_error", "#d62728"},
      {"crash", "#8b0000"},        {"timeout", "#ff7f0e"},      {"mismatch", "#e377c2"},
      {"verify_failed", "#bcbd22"}, {"rejected", "#7f7f7f"},    {"baseline_failed", "#17becf"},
      {"interrupted", "#c7c7c7"},  {"not_confirmed", "#aa7700"}};
  auto it = colours.find(verdict);
  return it == colours.end() ? "#000000" : it->second;
}

std::string gains_plot(const json& tus) {
  std::vector<json> rows;
  for (const auto& t : tus) {
    if (t["gain"]["plain"].is_object()) {
      rows.push_back(t);
    }
  }
  if (rows.empty()) {
    return {};
  }
  double lo = 1, hi = 1;
  for (const auto& t : rows) {
    for (const char* ref : {"plain", "o3", "o3_native"}) {
      const json& g = t["gain"][ref];
      if (g.is_object()) {
        lo = std::min(lo, num(g, "low"));
        hi = std::max(hi, num(g, "high"));
      }
    }
  }
  double pad = std::max((hi - lo) * 0.1, 0.01);
  const double label_w = 200, width = 760, row_h = 34;
  double height = kTop + kBottom + row_h * static_cast<double>(rows.size());
  Svg svg(width, height, "confirmed gain per TU with its 95% interval");
  Scale x(lo - pad, hi + pad, label_w, width - kRight);
  for (double v : x.ticks(6)) {
    svg.line(x(v), kTop - 6, x(v), height - kBottom, "#e3e3e3");
    svg.text(x(v), height - kBottom + 14, fmt::format("{:.3g}x", v), "middle", 10);
  }
  svg.line(x(1), kTop - 6, x(1), height - kBottom, "#444444", 1, true);
  svg.text(x(1), kTop - 10, "reference", "middle", 10);
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& t = rows[i];
    double y = kTop + row_h * (static_cast<double>(i) + 0.5);
    svg.text(label_w - 8, y + 4, t["source"].get<std::string>(), "end", 11);
    const std::pair<const char*, const char*> refs[] = {
        {"plain", "#1f77b4"}, {"o3", "#2ca02c"}, {"o3_native", "#ff7f0e"}};
    double offset = -8;
    for (const auto& [ref, colour] : refs) {
      const json& g = t["gain"][ref];
      if (g.is_object()) {
        std::string tip = fmt::format("{} vs {}: {}", t["source"].get<std::string>(), ref, format_gain(g));
        svg.line(x(num(g, "low")), y + offset, x(num(g, "high")), y + offset, colour, 2);
        svg.circle(x(num(g, "speedup")), y + offset, 4, colour, tip);
      }
      offset += 8;
    }
  }
  svg.text(kLeft, height - 6, "blue: vs the plain build   green: vs -O3   orange: vs -O3 -march=native", "start", 10);
  return svg.str();
}

std::string convergence_plot(const json& tu) {
  const json& points = tu["convergence"];
  if (!points.is_array() || points.empty()) {
    return {};
  }
  double hi = 1, lo = 1;
  int trials = 1;
  std::vector<std::string> planners;
  for (const auto& p : points) {
    trials = std::max(trials, p["trial"].get<int>());
    hi = std::max(hi, num(p, "best"));
    if (p["speedup"].is_number()) {
      hi = std::max(hi, num(p, "speedup"));
      lo = std::min(lo, num(p, "speedup"));
    }
    std::string name = p["planner"].get<std::string>();
    if (std::find(planners.begin(), planners.end(), name) == planners.end()) {
      planners.push_back(name);
    }
  }
  double pad = std::max((hi - lo) * 0.08, 0.02);
  const double width = 760, height = 260;
  Svg svg(width, height, "best so far against trials: " + tu["source"].get<std::string>());
  Scale x(0.5, trials + 0.5, kLeft, width - kRight - 120);
  Scale y(lo - pad * 3, hi + pad, height - kBottom, kTop);
  grid_y(svg, y, kLeft, width - kRight - 120, "x");
  for (double v : x.ticks(std::min(trials, 10))) {
    if (v >= 1 && v == static_cast<int>(v)) {
      svg.text(x(v), height - kBottom + 14, fmt::format("{:.0f}", v), "middle", 10);
    }
  }
  svg.text((kLeft + width - kRight - 120) / 2, height - 4, "trial", "middle", 11);
  svg.line(kLeft, y(1), width - kRight - 120, y(1), "#444444", 1, true);
  // Failed trials have no speedup: they sit on a strip under the curve.
  double fail_y = y(lo - pad * 2);
  std::map<std::string, int> verdicts;
  for (size_t i = 0; i < planners.size(); ++i) {
    std::vector<std::pair<double, double>> line;
    for (const auto& p : points) {
      if (p["planner"] != planners[i]) {
        continue;
      }
      double px = x(p["trial"].get<int>());
      line.emplace_back(px, y(num(p, "best")));
      std::string verdict = p["verdict"].get<std::string>();
      std::string tip = fmt::format("trial {} ({} {}): {} {} | {}", p["trial"].get<int>(), planners[i],
                                    p["op"].get<std::string>(), verdict, format_speedup(p["speedup"]),
                                    p["config"].get<std::string>());
      ++verdicts[verdict];
      if (p["failed"].get<bool>()) {
        svg.cross(px, fail_y, 4, verdict_colour(verdict), tip);
      } else {
        svg.circle(px, y(p["speedup"].is_number() ? num(p, "speedup") : 1.0), 3, verdict_colour(verdict), tip);
      }
    }
    svg.polyline(line, planner_colour(i), 2);
  }
  // Legend: planners (lines), then verdicts (marks) with their counts.
  double ly = kTop;
  double lx = width - kRight - 110;
  for (size_t i = 0; i < planners.size(); ++i, ly += 15) {
    svg.line(lx, ly - 4, lx + 16, ly - 4, planner_colour(i), 2);
    svg.text(lx + 20, ly, "best, " + planners[i], "start", 10);
  }
  for (const auto& [verdict, n] : verdicts) {
    svg.circle(lx + 8, ly - 4, 3, verdict_colour(verdict));
    svg.text(lx + 20, ly, fmt::format("{} ({})", verdict, n), "start", 10);
    ly += 15;
  }
  return svg.str();
}

std::string noise_plot(const json& tu) {
  const json& noise = tu["noise"];
  std::vector<std::pair<std::string, std::vector<double>>> rows;
  if (!noise["base_samples"].empty()) {
    rows.emplace_back("baseline (all runs)", noise["base_samples"].get<std::vector<double>>());
  }
  for (const auto& c : noise["confirmation"]) {
    if (!c["samples"].empty()) {
      rows.emplace_back("confirm " + c["verdict"].get<std::string>(), c["samples"].get<std::vector<double>>());
    }
  }
  if (rows.empty()) {
    return {};
  }
  double lo = rows.front().second.front(), hi = lo;
  for (const auto& [label, v] : rows) {
    lo = std::min(lo, *std::min_element(v.begin(), v.end()));
    hi = std::max(hi, *std::max_element(v.begin(), v.end()));
  }
  double pad = std::max((hi - lo) * 0.1, std::abs(hi) * 0.001 + 1e-12);
  const double label_w = 160, width = 760, row_h = 22;
  double height = kTop + kBottom + row_h * static_cast<double>(rows.size());
  Svg svg(width, height, "benchmark runs: " + tu["source"].get<std::string>());
  Scale x(lo - pad, hi + pad, label_w, width - kRight);
  for (double v : x.ticks(5)) {
    svg.line(x(v), kTop - 6, x(v), height - kBottom, "#e3e3e3");
    svg.text(x(v), height - kBottom + 14, fmt::format("{:.4g}", v), "middle", 10);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    double y = kTop + row_h * (static_cast<double>(i) + 0.5);
    svg.text(label_w - 8, y + 4, rows[i].first, "end", 10);
    for (double v : rows[i].second) {
      svg.circle(x(v), y, 3, i == 0 ? "#7f7f7f" : "#1f77b4", fmt::format("{:.6g}", v));
    }
  }
  return svg.str();
}

std::string time_plot(const json& time) {
  double total = num(time, "total_sec");
  if (total <= 0) {
    return {};
  }
  const double width = 760, height = 70;
  Svg svg(width, height, "where the session's time went");
  Scale x(0, total, 10, width - 10);
  const std::pair<const char*, const char*> parts[] = {{"compile_sec", "#1f77b4"}, {"run_sec", "#2ca02c"},
                                                       {"verify_sec", "#ff7f0e"}, {"llm_sec", "#9467bd"},
                                                       {"other_sec", "#c7c7c7"}};
  double at = 0, lx = 10;
  for (const auto& [key, colour] : parts) {
    double v = num(time, key);
    std::string name = std::string(key).substr(0, std::string(key).size() - 4);
    svg.rect(x(at), 10, x(at + v) - x(at), 26, colour, fmt::format("{}: {}", name, format_seconds(v)));
    at += v;
    svg.rect(lx, 48, 10, 10, colour);
    std::string label = fmt::format("{} {}", name, format_seconds(v));
    svg.text(lx + 14, 57, label, "start", 10);
    lx += 24 + 6.5 * static_cast<double>(label.size());
  }
  return svg.str();
}

} // namespace llmcc::report
