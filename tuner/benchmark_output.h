// Parsers for what a benchmark run leaves behind: Google Benchmark JSON, a
// number matched by the user's regex, and callgrind's instruction total. Each
// says why when the text holds no usable score.
#pragma once

#include "util/expected.h"

#include <map>
#include <string>

namespace llmcc {

// Per-benchmark time in seconds (median of repetitions, else the median or mean
// aggregate). Programs may print lines before the JSON document.
Expected<std::map<std::string, double>> parse_gbench_json(const std::string& text);
// The first capture group (or the whole match) of `regex` on the first matching line.
Expected<double> parse_regex_score(const std::string& text, const std::string& regex);
// The Ir total of a callgrind output file ("totals:", else "summary:").
Expected<double> parse_callgrind_total(const std::string& callgrind_out_file_text);

} // namespace llmcc
