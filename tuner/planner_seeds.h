// Where the built-in planner starts: known-good configurations for the space
// and objective, the transfer winners' off-grid values, and the rule that skips
// seeds carrying an option that already hurt this TU.
#pragma once

#include "flags/tune_config.h"
#include "tuner/search_space.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace llmcc {

// The number after the last '=' ("--param=max-unroll-times=8" -> 8).
std::optional<long> numeric_suffix(const std::string& text);

// Transfer winners may carry a param or knob value between the grid points of a
// dimension (a value an earlier session or the LLM found). The planner's own copy
// of the space gets those values, so the winner survives the trip to a Point and
// its neighbours can be searched.
SearchSpace augmented_space(const SearchSpace& space, const std::vector<TuneConfig>& winners);

// Whether a TU's source uses the C math library (<math.h>, <cmath>, or a call of
// one of its functions): only then can -fno-math-errno turn sqrt and friends into
// single instructions.
bool uses_math_library(const std::string& source);

// The known-good starting points for `objective` ("time", "size", ...), in the
// order they are tried; options the space lacks are left out. With `math` the
// -fno-math-errno family comes right after -O3 -march=native (n-body: 1.7x over
// -O3, and at 12 trials it was never reached); without, it goes last, since it
// would only compile to the same code.
std::vector<TuneConfig> known_good_seeds(const SearchSpace& space, const std::string& objective, bool math = false);

// An option is harmful here when adding it alone to a measured config made it
// clearly slower (3%) or made it fail. `observed`: configs with their scores;
// `failed`: configs that did not give a working program.
bool has_harmful_option(const TuneConfig& c, const std::vector<std::pair<TuneConfig, double>>& observed,
                        const std::vector<TuneConfig>& failed);

} // namespace llmcc
