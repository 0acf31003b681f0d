// The report's figures, as inline SVG drawn from the report document.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace llmcc::report {

// Each tuned TU's confirmed gain over the plain build with its interval, and
// its gain over -O3 and -O3 -march=native where the session measured them.
std::string gains_plot(const nlohmann::json& tus);
// Best-so-far against trials, one line per planner; each trial a mark, failed
// ones as crosses coloured by verdict.
std::string convergence_plot(const nlohmann::json& tu);
// The baseline's and each confirmation's runs, one row each.
std::string noise_plot(const nlohmann::json& tu);
// Where the session's time went, as one stacked bar.
std::string time_plot(const nlohmann::json& time);

// The colour of a verdict's mark (also used by the legend).
std::string verdict_colour(const std::string& verdict);

} // namespace llmcc::report
