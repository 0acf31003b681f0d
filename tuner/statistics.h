// Deciding whether a candidate really beats the baseline on a noisy machine.
// Samples come from interleaved runs (A B A B ...), so slow drift hits both sides.
#pragma once

#include <cstdint>
#include <vector>

namespace llmcc {

double median(std::vector<double> v);

struct Comparison {
  double speedup = 1; // median(baseline) / median(candidate): > 1 means the candidate is faster
  double low = 1;     // confidence interval of the speedup (bootstrap of the median ratio)
  double high = 1;
  double p_value = 1; // two-sided Mann-Whitney U
  bool win = false;   // low > 1 + min_gain and p_value < alpha
  bool loss = false;  // high < 1
};

// With zero-variance data (instruction counts, sizes) the interval collapses to
// the point estimate and a strict improvement of more than min_gain wins.
Comparison compare(const std::vector<double>& baseline, const std::vector<double>& candidate,
                   double min_gain = 0.01, double confidence = 0.95, uint64_t seed = 42);

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b);

} // namespace llmcc
