#include "tuner/planner_seeds.h"

#include "flags/option_syntax.h"
#include "flags/option_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <regex>

namespace llmcc {

std::optional<long> numeric_suffix(const std::string& text) {
  size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq + 1 >= text.size()) {
    return std::nullopt;
  }
  long v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data() + eq + 1, end, v);
  if (ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return v;
}

SearchSpace augmented_space(const SearchSpace& space, const std::vector<TuneConfig>& winners) {
  std::vector<Dimension> dims = space.dims();
  const OptionTable& table = option_table(space.family());
  for (const auto& w : winners) {
    for (const auto& o : w.options) {
      OptionParts parts = split_option(o);
      const ParamSpec* spec = nullptr;
      if (parts.form == OptionForm::Param) {
        spec = table.find_param(parts.name);
      } else if (parts.form == OptionForm::Mllvm) {
        spec = table.find_mllvm(parts.name);
      }
      auto v = numeric_suffix(o);
      if (spec == nullptr || !parts.has_value || !v || !spec->accepts(*v)) {
        continue;
      }
      for (auto& d : dims) {
        if (d.values.size() > 1 && split_option(d.values[1]).identity == parts.identity) {
          if (std::find(d.values.begin(), d.values.end(), o) == d.values.end()) {
            d.values.push_back(o);
          }
          break;
        }
      }
    }
  }
  return SearchSpace(space.family(), std::move(dims));
}

namespace {

// The value of dimension `name` spelled `text`, or for numeric dimensions the grid
// value nearest `target`; nullopt when the space lacks the dimension.
std::optional<std::string> pick_value(const SearchSpace& space, const std::string& text, std::optional<long> target) {
  for (const auto& d : space.dims()) {
    if (!target) {
      if (std::find(d.values.begin() + 1, d.values.end(), text) != d.values.end()) {
        return text;
      }
      continue;
    }
    if (d.name != text) {
      continue;
    }
    std::optional<std::string> best;
    double best_distance = 0;
    for (size_t i = 1; i < d.values.size(); ++i) {
      auto v = numeric_suffix(d.values[i]);
      if (!v) {
        continue;
      }
      double distance = std::abs(std::log1p(std::max(0L, *v)) - std::log1p(std::max(0L, *target)));
      if (!best || distance < best_distance) {
        best = d.values[i];
        best_distance = distance;
      }
    }
    return best;
  }
  return std::nullopt;
}

} // namespace

bool uses_math_library(const std::string& source) {
  static const std::regex kMath(
      R"(#\s*include\s*[<"](math\.h|cmath|tgmath\.h)[>"]|\b(sqrtf?|cbrtf?|hypotf?|powf?|expf?|exp2f?|logf?|log2f?|log10f?|sinf?|cosf?|tanf?|atan2f?|fmodf?|floorf?|ceilf?|lroundf?|llroundf?|roundf?)\s*\()");
  return std::regex_search(source, kMath);
}

std::vector<TuneConfig> known_good_seeds(const SearchSpace& space, const std::string& objective, bool math) {
  struct Wish {
    std::string text;
    std::optional<long> target;
  };
  std::vector<std::vector<Wish>> starts;
  if (objective == "size") {
    starts = {{{"-Os"}}, {{"-Oz"}}, {{"-Os"}, {"-march=native"}}, {{"-O2"}}, {{"-O1"}}};
  } else {
    // -O3 and -march=native are the usual big wins; unrolling pays off on loop
    // kernels, and -fno-math-errno lets sqrt and friends become single instructions.
    // -O1 and -Os are there because branchy code (hashing, an interpreter
    // loop: 1.1x-1.3x over -O3 with gcc -O1; clang sort: -Oz 1.04x) can lose
    // to -O2/-O3's if-conversion and code growth.
    starts = {
        {{"-O3"}},
        {{"-O3"}, {"-march=native"}},
        {{"-O2"}},
        {{"-O1"}},
        {{"-O3"}, {"-march=native"}, {"-funroll-loops"}},
        {{"-Os"}},
        {{"-O3"}, {"-march=native"}, {"-fno-math-errno"}},
        {{"-O3"}, {"-fno-math-errno"}},
        {{"-O3"}, {"-march=native"}, {"-funroll-loops"}, {"-fno-math-errno"}},
        {{"-O2"}, {"-march=native"}},
    };
    if (space.family() == CompilerFamily::Clang) {
      starts.push_back({{"-O3"}, {"-march=native"}, {"-mllvm -unroll-threshold", 1000}});
      starts.push_back({{"-O3"}, {"-march=native"}, {"-mllvm -inline-threshold", 1000}});
      starts.push_back({{"-O3"}, {"-march=native"}, {"-mllvm -unroll-threshold", 1000},
                        {"-mllvm -inline-threshold", 1000}});
    }
  }
  auto errno_seed = [](const std::vector<Wish>& wishes) {
    return std::any_of(wishes.begin(), wishes.end(), [](const Wish& w) { return w.text == "-fno-math-errno"; });
  };
  if (math && starts.size() > 2) {
    std::stable_partition(starts.begin() + 2, starts.end(), errno_seed);
  } else if (!math) {
    std::stable_partition(starts.begin(), starts.end(), [&](const auto& w) { return !errno_seed(w); });
  }
  std::vector<TuneConfig> seeds;
  for (const auto& wishes : starts) {
    TuneConfig c;
    for (const auto& w : wishes) {
      if (auto v = pick_value(space, w.text, w.target)) {
        if (is_opt_level(*v)) {
          c.opt_level = *v;
        } else {
          c.options.push_back(*v);
        }
      }
    }
    seeds.push_back(std::move(c));
  }
  return seeds;
}

bool has_harmful_option(const TuneConfig& c, const std::vector<std::pair<TuneConfig, double>>& observed,
                        const std::vector<TuneConfig>& failed) {
  for (const auto& o : c.options) {
    for (const auto& f : failed) {
      if (std::find(f.options.begin(), f.options.end(), o) == f.options.end()) {
        continue;
      }
      TuneConfig without = f;
      without.options.erase(std::find(without.options.begin(), without.options.end(), o));
      std::string key = without.canonical();
      if (std::any_of(observed.begin(), observed.end(),
                      [&](const auto& seen) { return seen.first.canonical() == key; })) {
        return true;
      }
    }
    for (const auto& [with, with_score] : observed) {
      if (std::find(with.options.begin(), with.options.end(), o) == with.options.end()) {
        continue;
      }
      TuneConfig without = with;
      without.options.erase(std::find(without.options.begin(), without.options.end(), o));
      std::string key = without.canonical();
      for (const auto& [other, other_score] : observed) {
        if (other.canonical() == key && with_score < other_score * 0.97) {
          return true;
        }
      }
    }
  }
  return false;
}

} // namespace llmcc
