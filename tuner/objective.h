// What "better" means for a tuning session. Scores are always "lower is
// better": tuner/benchmark_run.h turns one run into a score, and throughput-style
// numbers are inverted when parsed.
#pragma once

#include "util/expected.h"

#include <string>
#include <string_view>

namespace llmcc {

enum class Objective { Time, Size, Instructions };
std::string_view objective_name(Objective o);
Expected<Objective> parse_objective(const std::string& s);

} // namespace llmcc
