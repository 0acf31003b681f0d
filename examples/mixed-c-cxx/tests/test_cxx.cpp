// Tests of the C++ half (which calls into the C half).
#include <cstdio>

#include "record.h"
#include "workload.h"

namespace {

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++g_failures;
  }
}

} // namespace

int main() {
  const mixed::Record r{"hello", {0, 1, 300, ~0ull}};
  const std::string text = mixed::serialize(r);
  const auto back = mixed::deserialize(text);
  check(back && *back == r, "record round trip");
  check(mixed::serialize({"", {}}) == "AAA=", "empty record");
  check(!mixed::deserialize("not base64!"), "rejects bad base64");
  check(!mixed::deserialize(mixed::serialize(r) + "AAAA"), "rejects trailing bytes");
  check(mixed::run_workload(100) != 0, "workload round trips");
  check(mixed::run_workload(100) == mixed::run_workload(100), "workload is deterministic");
  if (g_failures == 0) {
    std::printf("test_cxx: all passed\n");
  }
  return g_failures == 0 ? 0 : 1;
}
