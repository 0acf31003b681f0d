#include "tuner/pgo_holdout.h"

#include <algorithm>

#include "tuner/statistics.h"

namespace llmcc {

std::optional<Candidate> holdout_rival_to_confirm(const std::vector<Candidate>& sorted,
                                                  const std::vector<Candidate>& list, double threshold) {
  auto uses_profile = [](const Candidate& c) { return c.config.uses_profile(); };
  if (list.empty() || !std::all_of(list.begin(), list.end(), uses_profile)) {
    return std::nullopt;
  }
  for (const auto& c : sorted) {
    if (c.speedup <= 1 + threshold) {
      break;
    }
    if (!uses_profile(c)) {
      return c;
    }
  }
  return std::nullopt;
}

std::optional<HoldoutInput> holdout_input(const BenchSpec& bench, const std::vector<std::string>& bench_holdout,
                                          const std::vector<std::string>& verify, bool pgo, Objective objective) {
  HoldoutInput in{bench, false};
  if (!bench_holdout.empty()) {
    in.bench.argv = bench_holdout;
    return in;
  }
  if (!pgo || verify.empty() || objective == Objective::Size) {
    return std::nullopt;
  }
  in.bench.argv = verify;
  in.bench.format = "time";
  in.bench.regex.clear();
  in.bench.higher_is_better = false;
  in.from_verify = true;
  return in;
}

int holdout_pairs(bool deterministic, int repeats) { return deterministic ? 1 : std::max(5, repeats); }

HoldoutVerdict holdout_verdict(const PairRuns& runs) {
  HoldoutVerdict v;
  if (!runs.ok || runs.base.empty() || runs.cand.empty()) {
    return v;
  }
  v.ratio = median(runs.base) / median(runs.cand);
  v.keeps = v.ratio >= 1.0;
  return v;
}

} // namespace llmcc
