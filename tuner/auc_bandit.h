// The operator choice of the built-in planner, in the style of OpenTuner's
// AUCBanditMetaTechnique: each operator is credited with the area under the
// curve of its recent successes, so operators that keep finding improvements
// now are used more, and a UCB exploration term keeps every operator in play.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

namespace llmcc {

class AucBandit {
public:
  // `window`: outcomes remembered; `exploration`: weight of the UCB term
  // against AUC credit (which lies in [0, 1]).
  AucBandit(int operators, size_t window, double exploration);

  // An operator's proposal is out; its outcome will come later (or never).
  void proposed(int op) { ++m_pending[static_cast<size_t>(op)]; }
  // The outcome of a proposal made by `op` arrived.
  void observed(int op, bool success);
  // The operator to use next: one never used yet first, else the best credit.
  int select() const;

private:
  double auc(int op) const;
  size_t uses(int op) const;
  size_t m_window_size;
  double m_exploration;
  std::deque<std::pair<int, bool>> m_window;
  std::vector<int> m_pending;
};

} // namespace llmcc
