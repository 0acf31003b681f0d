// How both pages print numbers, so the HTML and the Markdown agree.
#include <fmt/format.h>

#include "report/render.h"

namespace llmcc::report {

std::string format_speedup(const nlohmann::json& v) {
  return v.is_number() ? fmt::format("{:.3f}x", v.get<double>()) : "-";
}

std::string format_gain(const nlohmann::json& g) {
  if (!g.is_object() || !g.contains("speedup")) {
    return "-";
  }
  return fmt::format("{:.3f}x [{:.3f}, {:.3f}]", g["speedup"].get<double>(), g.value("low", 0.0),
                     g.value("high", 0.0));
}

std::string format_seconds(double s) {
  if (s < 60) {
    return fmt::format("{:.1f}s", s);
  }
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

} // namespace llmcc::report
