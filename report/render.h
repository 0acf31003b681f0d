// The report's pages, rendered from collect_report()'s document only.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace llmcc::report {

// One self-contained HTML page: inline CSS and SVG, no script, and a Content
// Security Policy that forbids loading anything at all.
std::string render_html(const nlohmann::json& report);
// For a CI summary or a pull-request comment: tables, no plots.
std::string render_markdown(const nlohmann::json& report);

// "1.234x"; "-" for null. Both pages print gains this way.
std::string format_speedup(const nlohmann::json& v);
// "1.234x [1.200, 1.260]" from {"speedup","low","high"}; "-" for null.
std::string format_gain(const nlohmann::json& gain);
// "12.3s", "4m05s".
std::string format_seconds(double s);

} // namespace llmcc::report
