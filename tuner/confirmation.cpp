#include "tuner/confirmation.h"

#include <algorithm>

namespace llmcc {

std::vector<Candidate> confirmation_list(const std::vector<Candidate>& sorted, size_t top, double threshold) {
  constexpr double kSimpleMargin = 0.98;
  std::vector<Candidate> out;
  const Candidate* simplest = nullptr;
  for (const auto& c : sorted) {
    if (c.speedup <= 1 + threshold) {
      break;
    }
    if (out.size() < top) {
      out.push_back(c);
    }
    if (c.speedup >= sorted.front().speedup * kSimpleMargin &&
        (!simplest || c.config.options.size() < simplest->config.options.size())) {
      simplest = &c;
    }
  }
  if (simplest && std::none_of(out.begin(), out.end(), [&](const Candidate& c) {
        return c.config.canonical() == simplest->config.canonical();
      })) {
    out.push_back(*simplest);
  }
  return out;
}

std::optional<size_t> choose_winner(const std::vector<ConfirmedWin>& wins) {
  if (wins.empty()) {
    return std::nullopt;
  }
  size_t best = 0;
  for (size_t i = 1; i < wins.size(); ++i) {
    if (wins[i].cmp.speedup > wins[best].cmp.speedup) {
      best = i;
    }
  }
  size_t chosen = best;
  for (size_t i = 0; i < wins.size(); ++i) {
    if (wins[i].cmp.high >= wins[best].cmp.low &&
        wins[i].cand.config.options.size() < wins[chosen].cand.config.options.size()) {
      chosen = i;
    }
  }
  return chosen;
}

} // namespace llmcc
