// Prints a deterministic digest of the workload. Usage: mixed_demo [iterations]
#include <cstdio>
#include <cstdlib>

#include "workload.h"

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100000;
  const std::uint64_t digest = mixed::run_workload(iterations);
  std::printf("iterations: %d\n", iterations);
  std::printf("digest: %016llx\n", static_cast<unsigned long long>(digest));
  return digest != 0 ? 0 : 1;
}
