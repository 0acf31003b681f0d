#include "tuner/search_space.h"

#include "util/strings.h"

#include "flags/option_syntax.h"
#include "flags/option_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace llmcc {

namespace {

constexpr size_t kValuesPerRange = 5;
constexpr std::string_view kMllvmPrefix = "-mllvm -";

bool group_allowed(const OptionTable& table, const std::string& group, const SafetyPolicy& policy) {
  if (!table.is_unsafe_group(group)) {
    return true;
  }
  if (group == "math-errno") {
    return policy.allow_errno_math;
  }
  return policy.allow_unsafe_math;
}

// A flag that switches on other options (-ffast-math implies -fno-math-errno) is
// only as allowed as the most restricted of them.
bool flag_allowed(const OptionTable& table, const FlagSpec& f, const SafetyPolicy& policy) {
  if (!group_allowed(table, f.group, policy)) {
    return false;
  }
  for (const auto& implied : f.implies) {
    const FlagSpec* spec = table.find_flag(split_option(implied).name);
    if (spec != nullptr && !group_allowed(table, spec->group, policy)) {
      return false;
    }
  }
  return true;
}

// A handful of values over [min, max] that always contains the default. Spacing is
// geometric (on the offset from min) because these knobs act multiplicatively: the
// step from 8 to 16 unroll iterations matters as much as 32 to 64. Ranges through
// zero and below get linear spacing, where "log" has no meaning.
std::vector<long> spread_values(long min, long max, long def, const std::vector<long>& allowed) {
  std::vector<long> out;
  if (!allowed.empty()) {
    // An explicit list: take an even subset by position, then make sure the default is in.
    size_t n = allowed.size();
    size_t take = std::min(n, kValuesPerRange);
    for (size_t i = 0; i < take; ++i) {
      size_t idx = take == 1 ? 0 : i * (n - 1) / (take - 1);
      out.push_back(allowed[idx]);
    }
    if (std::find(allowed.begin(), allowed.end(), def) != allowed.end()) {
      out.push_back(def);
    }
  } else if (max - min + 1 <= static_cast<long>(kValuesPerRange)) {
    for (long v = min; v <= max; ++v) {
      out.push_back(v);
    }
  } else {
    for (size_t i = 0; i < kValuesPerRange; ++i) {
      double t = static_cast<double>(i) / static_cast<double>(kValuesPerRange - 1);
      double v = 0;
      if (min < 0) {
        v = static_cast<double>(min) + t * static_cast<double>(max - min);
      } else {
        // x - min + 1 runs from 1 to span; interpolate its logarithm.
        double span = static_cast<double>(max - min + 1);
        v = static_cast<double>(min) - 1 + std::exp(t * std::log(span));
      }
      out.push_back(std::clamp(std::lround(v), min, max));
    }
    // Replace the point nearest the default by the default, so the count stays small.
    if (std::find(out.begin(), out.end(), def) == out.end()) {
      auto distance = [&](long v) {
        return min < 0 ? std::abs(static_cast<double>(v - def))
                       : std::abs(std::log(static_cast<double>(v - min + 1)) -
                                  std::log(static_cast<double>(def - min + 1)));
      };
      size_t nearest = 0;
      for (size_t i = 1; i < out.size(); ++i) {
        // Never give up the range's ends: they are what makes the spread a spread.
        bool end = i == out.size() - 1;
        if (!end && (nearest == 0 || distance(out[i]) < distance(out[nearest]))) {
          nearest = i;
        }
      }
      if (nearest != 0) {
        out[nearest] = def;
      } else {
        out.push_back(def);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The one option a single-valued config carries, checked on its own by the allow-list:
// the space must never hold anything check_config would refuse.
// The prefix of a "passes" dimension value: the rest is a pipeline for opt.
constexpr std::string_view kPassesPrefix = "passes=";

bool value_allowed(const std::string& text, CompilerFamily family, const SafetyPolicy& policy) {
  TuneConfig c;
  if (starts_with(text, kPassesPrefix)) {
    c.pipeline = text.substr(kPassesPrefix.size());
  } else if (is_opt_level(text)) {
    c.opt_level = text;
  } else {
    c.options.push_back(text);
  }
  return check_config(c, family, policy).empty();
}

void add_dimension(std::vector<Dimension>& dims, Dimension d, CompilerFamily family, const SafetyPolicy& policy,
                   const std::set<std::string>* accepted) {
  if (accepted != nullptr && accepted->count(d.name) == 0) {
    return;
  }
  std::vector<std::string> values{""};
  for (auto& v : d.values) {
    if (!v.empty() && value_allowed(v, family, policy)) {
      values.push_back(std::move(v));
    }
  }
  if (values.size() < 2) {
    return;
  }
  d.values = std::move(values);
  dims.push_back(std::move(d));
}

} // namespace

std::vector<std::string> SearchSpace::option_names(CompilerFamily family, const SafetyPolicy& policy) {
  std::vector<std::string> names;
  const OptionTable& table = option_table(family);
  for (const auto& f : table.flags) {
    if (f.searchable && flag_allowed(table, f, policy)) {
      names.push_back(f.name);
    }
  }
  for (const auto& p : table.params) {
    if (group_allowed(table, p.group, policy)) {
      names.push_back("--param=" + p.name);
    }
  }
  for (const auto& k : table.mllvm) {
    if (group_allowed(table, k.group, policy)) {
      names.push_back(std::string(kMllvmPrefix) + k.name);
    }
  }
  return names;
}

SearchSpace SearchSpace::build(CompilerFamily family, const SafetyPolicy& policy,
                               const std::vector<std::string>* accepted_options) {
  const OptionTable& table = option_table(family);
  std::set<std::string> accepted_set;
  const std::set<std::string>* accepted = nullptr;
  if (accepted_options != nullptr) {
    accepted_set.insert(accepted_options->begin(), accepted_options->end());
    accepted = &accepted_set;
  }

  std::vector<Dimension> dims;
  // -O and -march are never filtered by probing: every compiler of a known family
  // accepts them, and the probe list does not name them.
  Dimension opt{"-O", "opt", table.opt_levels};
  if (policy.allow_unsafe_math) {
    opt.values.insert(opt.values.end(), table.unsafe_opt_levels.begin(), table.unsafe_opt_levels.end());
  }
  add_dimension(dims, std::move(opt), family, policy, nullptr);
  // Only "native": a tuned config is keyed by hardware class anyway, and a named
  // CPU other than the host's can only lose (or not run at all).
  add_dimension(dims, Dimension{"-march", "target", {"-march=native"}}, family, policy, nullptr);
  if (family == CompilerFamily::Clang) {
    // The pass-pipeline route (wrapper/pipeline_route.h): the standard pipelines
    // and a few with an extra clean-up after them, which -O levels cannot express.
    add_dimension(dims,
                  Dimension{"passes",
                            "pipeline",
                            {"passes=default<O3>", "passes=default<O2>", "passes=default<O1>",
                             "passes=default<O3>,function(loop-mssa(licm),gvn,instcombine)",
                             "passes=default<O3>,function(slp-vectorizer,instcombine,simplifycfg)",
                             "passes=default<O3>,function(loop-unroll<O3>,instcombine)"}},
                  family, policy, nullptr);
  }

  for (const auto& f : table.flags) {
    if (!f.searchable || !flag_allowed(table, f, policy)) {
      continue;
    }
    Dimension d{f.name, f.group, {}};
    if (f.kind == "bool") {
      d.values = {f.name, "-fno-" + f.name.substr(2)};
      if (f.name.rfind("-m", 0) == 0) {
        d.values[1] = "-mno-" + f.name.substr(2);
      }
    } else if (f.kind == "enum") {
      for (const auto& v : f.values) {
        d.values.push_back(f.name + "=" + v);
      }
    } else if (f.kind == "int") {
      for (long v : spread_values(f.min, f.max, f.min, {})) {
        d.values.push_back(f.name + "=" + std::to_string(v));
      }
    }
    add_dimension(dims, std::move(d), family, policy, accepted);
  }
  for (const auto& p : table.params) {
    if (!group_allowed(table, p.group, policy)) {
      continue;
    }
    Dimension d{"--param=" + p.name, p.group, {}};
    for (long v : spread_values(p.min, p.max, p.default_value, p.values)) {
      if (p.accepts(v)) {
        d.values.push_back(d.name + "=" + std::to_string(v));
      }
    }
    add_dimension(dims, std::move(d), family, policy, accepted);
  }
  for (const auto& k : table.mllvm) {
    if (!group_allowed(table, k.group, policy)) {
      continue;
    }
    Dimension d{std::string(kMllvmPrefix) + k.name, k.group, {}};
    for (long v : spread_values(k.min, k.max, k.default_value, k.values)) {
      if (k.accepts(v)) {
        d.values.push_back(d.name + "=" + std::to_string(v));
      }
    }
    add_dimension(dims, std::move(d), family, policy, accepted);
  }
  return SearchSpace(family, std::move(dims));
}

int SearchSpace::opt_dimension() const {
  for (size_t i = 0; i < m_dims.size(); ++i) {
    if (m_dims[i].name == "-O") {
      return static_cast<int>(i);
    }
  }
  return -1;
}

TuneConfig SearchSpace::to_config(const Point& p) const {
  TuneConfig c;
  const OptionTable& table = option_table(m_family);
  int od = opt_dimension();
  if (od >= 0 && static_cast<size_t>(od) < p.size()) {
    int v = p[od];
    if (v > 0 && static_cast<size_t>(v) < m_dims[od].values.size()) {
      c.opt_level = m_dims[od].values[v];
    }
  }
  for (size_t i = 0; i < m_dims.size() && i < p.size(); ++i) {
    if (static_cast<int>(i) == od || p[i] <= 0 || static_cast<size_t>(p[i]) >= m_dims[i].values.size()) {
      continue;
    }
    const std::string& text = m_dims[i].values[p[i]];
    if (starts_with(text, kPassesPrefix)) {
      c.pipeline = text.substr(kPassesPrefix.size());
      continue;
    }
    // Pairs the compiler warns about would break -Werror builds for nothing; the
    // earlier dimension (or the -O level) wins, so the result is still deterministic.
    bool conflict = false;
    for (const auto& [other, reason] : table.conflicts_of(text)) {
      if (other == c.opt_level || std::find(c.options.begin(), c.options.end(), other) != c.options.end()) {
        conflict = true;
        break;
      }
    }
    if (!conflict) {
      c.options.push_back(text);
    }
  }
  return c;
}

SearchSpace::Point SearchSpace::to_point(const TuneConfig& c, std::vector<std::string>* unknown) const {
  Point p(m_dims.size(), 0);
  auto place = [&](const std::string& text) {
    for (size_t i = 0; i < m_dims.size(); ++i) {
      const auto& values = m_dims[i].values;
      for (size_t v = 1; v < values.size(); ++v) {
        if (values[v] == text) {
          p[i] = static_cast<int>(v);
          return true;
        }
      }
    }
    return false;
  };
  if (!c.opt_level.empty()) {
    int od = opt_dimension();
    bool found = false;
    if (od >= 0) {
      const auto& values = m_dims[od].values;
      auto it = std::find(values.begin() + 1, values.end(), c.opt_level);
      if (it != values.end()) {
        p[od] = static_cast<int>(it - values.begin());
        found = true;
      }
    }
    if (!found && unknown != nullptr) {
      unknown->push_back(c.opt_level);
    }
  }
  for (const auto& o : c.options) {
    if (!place(o) && unknown != nullptr) {
      unknown->push_back(o);
    }
  }
  if (!c.pipeline.empty() && !place(std::string(kPassesPrefix) + c.pipeline) && unknown != nullptr) {
    unknown->push_back(std::string(kPassesPrefix) + c.pipeline);
  }
  return p;
}

SearchSpace::Point SearchSpace::random_point(std::mt19937_64& rng, double density) const {
  Point p(m_dims.size(), 0);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  int od = opt_dimension();
  for (size_t i = 0; i < m_dims.size(); ++i) {
    size_t n = m_dims[i].values.size();
    if (n < 2) {
      continue;
    }
    if (static_cast<int>(i) != od && coin(rng) >= density) {
      continue;
    }
    std::uniform_int_distribution<int> pick(1, static_cast<int>(n) - 1);
    p[i] = pick(rng);
  }
  return p;
}

} // namespace llmcc
