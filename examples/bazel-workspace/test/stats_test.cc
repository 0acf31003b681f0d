// Exit code 0 when every check passes (no test framework: nothing to download).
#include <cstdio>
#include <string>

#include "lib/format.h"
#include "lib/stats.h"

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      ++failures;
    }
  };
  check(stats::count_inversions({1, 2, 3}) == 0, "sorted input");
  check(stats::count_inversions({3, 2, 1}) == 3, "reversed input");
  check(stats::count_inversions({2, 4, 1, 3, 5}) == 3, "mixed input");
  check(stats::sum_of_squares({1, 2, 3}) == 14, "sum of squares");
  check(stats::make_sequence(10, 7) == stats::make_sequence(10, 7), "sequence is deterministic");
  char hex[32];
  format_hex64(hex, sizeof hex, 0xabcull);
  check(std::string(hex) == "0000000000000abc", "hex formatting");
  if (failures == 0) {
    std::printf("stats_test: all passed\n");
  }
  return failures == 0 ? 0 : 1;
}
