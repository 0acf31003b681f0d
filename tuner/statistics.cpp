#include "tuner/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace llmcc {

double median(std::vector<double> v) {
  if (v.empty()) {
    return 0;
  }
  size_t n = v.size();
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  double hi = *mid;
  if (n % 2) {
    return hi;
  }
  double lo = *std::max_element(v.begin(), mid);
  return (lo + hi) / 2;
}

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n1 = a.size();
  const size_t n2 = b.size();
  if (n1 == 0 || n2 == 0) {
    return 1;
  }
  struct Item {
    double v;
    bool from_a;
  };
  std::vector<Item> all;
  all.reserve(n1 + n2);
  for (double v : a) {
    all.push_back({v, true});
  }
  for (double v : b) {
    all.push_back({v, false});
  }
  std::sort(all.begin(), all.end(), [](const Item& x, const Item& y) { return x.v < y.v; });

  // Average ranks for ties; the tie term shrinks the variance accordingly.
  const double n = static_cast<double>(n1 + n2);
  double rank_sum_a = 0;
  double tie_term = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].v == all[i].v) {
      ++j;
    }
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (all[k].from_a) {
        rank_sum_a += avg_rank;
      }
    }
    double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  const double u = rank_sum_a - dn1 * (dn1 + 1) / 2;
  const double mu = dn1 * dn2 / 2;
  double var = dn1 * dn2 / 12 * ((n + 1) - (n > 1 ? tie_term / (n * (n - 1)) : 0));
  if (!(var > 0)) {
    return 1; // every value identical: no evidence of any difference
  }
  // Continuity correction keeps the approximation conservative for small n.
  double z = std::max(0.0, std::fabs(u - mu) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(z / std::sqrt(2.0)));
}

namespace {

bool constant(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

// Linear interpolation between order statistics of sorted data.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

} // namespace

Comparison compare(const std::vector<double>& baseline, const std::vector<double>& candidate, double min_gain,
                   double confidence, uint64_t seed) {
  Comparison c;
  if (baseline.empty() || candidate.empty()) {
    return c;
  }
  const double mb = median(baseline);
  const double mc = median(candidate);
  c.p_value = mann_whitney_p(baseline, candidate);
  if (!(mb > 0) || !(mc > 0)) {
    // Scores are positive; a ratio of anything else means nothing.
    return c;
  }
  c.speedup = mb / mc;

  if (constant(baseline) && constant(candidate)) {
    // Deterministic measurements (instruction counts, sizes): there is no noise
    // for a test to see through, so the point estimate decides.
    c.low = c.high = c.speedup;
    c.win = c.speedup > 1 + min_gain;
    c.loss = c.speedup < 1;
    return c;
  }

  constexpr int kResamples = 2000;
  // Resampling by modulo rather than std::uniform_int_distribution, whose
  // mapping differs between standard libraries: same seed, same interval, everywhere.
  std::mt19937_64 rng(seed);
  std::vector<double> rb(baseline.size());
  std::vector<double> rc(candidate.size());
  std::vector<double> ratios;
  ratios.reserve(kResamples);
  for (int i = 0; i < kResamples; ++i) {
    for (auto& x : rb) {
      x = baseline[rng() % baseline.size()];
    }
    for (auto& x : rc) {
      x = candidate[rng() % candidate.size()];
    }
    double m = median(rc);
    if (m > 0) {
      ratios.push_back(median(rb) / m);
    }
  }
  if (ratios.empty()) {
    c.low = c.high = c.speedup;
    return c;
  }
  std::sort(ratios.begin(), ratios.end());
  const double alpha = 1 - std::clamp(confidence, 0.0, 1.0);
  c.low = quantile(ratios, alpha / 2);
  c.high = quantile(ratios, 1 - alpha / 2);
  c.win = c.low > 1 + min_gain && c.p_value < alpha;
  c.loss = c.high < 1;
  return c;
}

} // namespace llmcc
