#include "tuner/auc_bandit.h"

#include <cmath>

namespace llmcc {

AucBandit::AucBandit(int operators, size_t window, double exploration)
    : m_window_size(window), m_exploration(exploration), m_pending(static_cast<size_t>(operators), 0) {}

void AucBandit::observed(int op, bool success) {
  --m_pending[static_cast<size_t>(op)];
  m_window.emplace_back(op, success);
  if (m_window.size() > m_window_size) {
    m_window.pop_front();
  }
}

double AucBandit::auc(int op) const {
  double credit = 0;
  double pos = 0;
  for (const auto& [o, success] : m_window) {
    if (o == op) {
      pos += 1;
      if (success) {
        credit += pos;
      }
    }
  }
  return pos > 0 ? credit * 2.0 / (pos * (pos + 1)) : 0;
}

size_t AucBandit::uses(int op) const {
  size_t n = static_cast<size_t>(m_pending[static_cast<size_t>(op)]);
  for (const auto& entry : m_window) {
    n += entry.first == op ? 1 : 0;
  }
  return n;
}

int AucBandit::select() const {
  const int count = static_cast<int>(m_pending.size());
  size_t total = 0;
  for (int op = 0; op < count; ++op) {
    total += uses(op);
  }
  int best = 0;
  double best_value = -1;
  for (int op = 0; op < count; ++op) {
    size_t n = uses(op);
    if (n == 0) {
      return op; // every operator gets one try before credit counts
    }
    double value = auc(op) + m_exploration * std::sqrt(2.0 * std::log(static_cast<double>(total)) / n);
    if (value > best_value) {
      best_value = value;
      best = op;
    }
  }
  return best;
}

} // namespace llmcc
