#include "tuner/budget.h"

#include <algorithm>
#include <cmath>

namespace llmcc {

std::vector<int> split_budget(const std::vector<double>& shares, int total) {
  double sum = 0;
  for (double s : shares) {
    sum += s;
  }
  std::vector<int> out;
  for (double s : shares) {
    double part = sum > 0 ? s / sum : 1.0 / static_cast<double>(shares.size());
    out.push_back(std::max(std::min(4, total), static_cast<int>(std::round(total * part))));
  }
  return out;
}

bool no_gain_so_far(int done, int budget, double best, double threshold) {
  int patience = std::max(8, budget * 2 / 3);
  return done >= patience && best < 1 + 2 * threshold;
}

bool stop_for_no_gain(int done, int budget, double best, double threshold, bool can_hand_on, bool seeds_left) {
  return can_hand_on && !seeds_left && no_gain_so_far(done, budget, best, threshold);
}

} // namespace llmcc
