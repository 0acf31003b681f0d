// Tests of the C++ half (which calls into the C half).
#include <cstdio>

#include "record.h"
#include "workload.h"

int main() {
  int failures = 0;
  auto check = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      ++failures;
    }
  };
  const mixed::Record r{"hello", {0, 1, 300, ~0ull}};
  const std::string text = mixed::serialize(r);
  const auto back = mixed::deserialize(text);
  check(back && *back == r, "record round trip");
  check(mixed::serialize({"", {}}) == "AAA=", "empty record");
  check(!mixed::deserialize("not base64!"), "rejects bad base64");
  check(!mixed::deserialize(mixed::serialize(r) + "AAAA"), "rejects trailing bytes");
  check(mixed::run_workload(100) != 0, "workload round trips");
  check(mixed::run_workload(100) == mixed::run_workload(100), "workload is deterministic");
  if (failures == 0) {
    std::printf("test_cxx: all passed\n");
  }
  return failures == 0 ? 0 : 1;
}
