// Prints deterministic statistics. Usage: stats_demo [n]
#include <cstdio>
#include <cstdlib>

#include "lib/format.h"
#include "lib/stats.h"

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 400000;
  const auto v = stats::make_sequence(n, 2024);
  char hex[32];
  format_hex64(hex, sizeof hex, stats::sum_of_squares(v));
  std::printf("n: %zu\n", n);
  std::printf("sum of squares: %s\n", hex);
  std::printf("inversions: %llu\n", static_cast<unsigned long long>(stats::count_inversions(v)));
  return 0;
}
