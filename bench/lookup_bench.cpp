// Local winner lookup latency with many stored winners: fills a database through
// the Store API (as tune and pull store winners), then times what a compile
// does per TU, each on a freshly opened store as a compile process would: open,
// the pre-checks, the exact lookup and the nearest fallback. Prints JSON.
//
//   build/bench/lookup_bench --winners 1000000 --lookups 2000 --dir /tmp/lb
//
// --reuse keeps a database an earlier run filled in --dir (same --winners), so
// two builds can be timed in turns on one fill each. Under callgrind with
// --instr-atstart=no, only the first two lookups are counted, each dumped on
// its own: lookup 0 is a hit, lookup 1 a miss, each with its open, the first
// SQLite use of the process as in a compile (docs/benchmarks.md §9):
//
//   valgrind --tool=callgrind --instr-atstart=no build/bench/lookup_bench --reuse --lookups 2 --dir /tmp/lb
#include "cache/local/schema.h"
#include "cache/local/store.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label)
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace llmcc;
using Clock = std::chrono::steady_clock;

namespace {

WinnerRecord winner(int64_t i) {
  WinnerRecord w;
  w.tu_key = fmt::format("{:032x}", static_cast<uint64_t>(i) * 2654435761u);
  w.source_rel = fmt::format("src/dir{}/file{}.c", i % 1000, i);
  w.source_base = fmt::format("file{}.c", i);
  w.compiler_id = i % 4 == 0 ? "clang14-id" : "gcc12-id";
  w.host_fp = fmt::format("host{}", i % 8);
  w.hw_class = fmt::format("class{}", i % 2);
  w.config.opt_level = "-O3";
  w.config.options = {"-funroll-loops", fmt::format("-falign-loops={}", 1 << (i % 6))};
  w.speedup = 1.1;
  w.trials = 12;
  return w;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

int64_t disk_bytes(const std::string& path) {
  int64_t n = 0;
  for (const char* suffix : {"", "-wal"}) {
    fs::FileStamp st = fs::stamp(path + suffix);
    n += st.ok() ? st.size : 0;
  }
  return n;
}

} // namespace

int main(int argc, char** argv) {
  int64_t n = 1'000'000, lookups = 2000;
  std::string dir = "/tmp/llmcc-lookup-bench";
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--reuse") {
      reuse = true;
      continue;
    }
    if (i + 1 >= argc) {
      break;
    }
    if (a == "--winners") {
      n = std::atoll(argv[i + 1]);
    } else if (a == "--lookups") {
      lookups = std::atoll(argv[i + 1]);
    } else if (a == "--dir") {
      dir = argv[i + 1];
    }
    ++i;
  }
  const std::string path = dir + "/llmcc.db";
  reuse = reuse && std::filesystem::exists(path);
  if (!reuse) {
    std::filesystem::remove_all(dir);
  }
  double fill_sec = 0;
  if (!reuse) {
    auto store = Store::open(path);
    if (!store) {
      fmt::print(stderr, "{}\n", store.error().message);
      return 1;
    }
    auto t0 = Clock::now();
    const int64_t batch = 10000;
    for (int64_t b = 0; b < n; b += batch) {
      Status s = (*store)->transaction([&]() -> Status {
        for (int64_t i = b; i < std::min(n, b + batch); ++i) {
          if (Status st = (*store)->put_winner(winner(i)); !st) {
            return st;
          }
        }
        return {};
      });
      if (!s) {
        fmt::print(stderr, "{}\n", s.message());
        return 1;
      }
    }
    fill_sec = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  if (!reuse) {
    auto store = Store::open(path); // a checkpoint on close leaves the WAL empty, as after a tune
  }
  std::mt19937_64 rng(1);
  std::vector<double> hit_ms, miss_ms, hit_query_ms, miss_query_ms;
  for (int64_t k = 0; k < lookups; ++k) {
    const bool hit = k % 2 == 0;
    const int64_t i = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
    WinnerRecord w = winner(i);
    const std::string base = hit ? w.source_base : fmt::format("absent{}.c", i);
    if (k < 2) {
      CALLGRIND_START_INSTRUMENTATION;
      CALLGRIND_ZERO_STATS;
    }
    auto t0 = Clock::now();
    auto store = Store::open(path, Database::Mode::ReadWrite, Store::kCompileBusyTimeoutMs);
    if (!store) {
      fmt::print(stderr, "{}\n", store.error().message);
      return 1;
    }
    auto t1 = Clock::now();
    bool found = false;
    if ((*store)->has_winner_for_source(w.compiler_id, base).value_or(false) &&
        (*store)->has_candidate_winner(w.compiler_id, w.host_fp, w.hw_class, base).value_or(false)) {
      // As wrapper/config_lookup.cpp does it: the config only.
      auto exact = (*store)->winner_config_exact(w.tu_key, w.compiler_id, w.host_fp);
      found = exact && *exact;
      if (!found) {
        auto nearest = (*store)->winner_config_nearest(w.source_rel, w.compiler_id, w.hw_class);
        found = nearest && *nearest;
      }
    }
    auto t2 = Clock::now();
    if (k < 2) {
      CALLGRIND_DUMP_STATS_AT(hit ? "hit: open + queries" : "miss: open + queries");
      CALLGRIND_STOP_INSTRUMENTATION;
    }
    double ms = std::chrono::duration<double, std::milli>(t2 - t0).count();
    (hit ? hit_query_ms : miss_query_ms).push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    if (found != hit) {
      fmt::print(stderr, "lookup {} of {}: expected {}\n", k, base, hit ? "a hit" : "a miss");
      return 1;
    }
    (hit ? hit_ms : miss_ms).push_back(ms);
  }
  nlohmann::json j = {
      {"winners", n},
      {"reused", reuse},
      {"fill_sec", fill_sec},
      {"db_bytes", disk_bytes(path)},
      {"tuning_db_bytes", disk_bytes(tuning_db_path(path))},
      {"bytes_per_winner", static_cast<double>(disk_bytes(path)) / static_cast<double>(n)},
  };
  for (auto& [name, v] : {std::pair<const char*, std::vector<double>&>{"hit (open + queries)", hit_ms},
                       {"miss (open + queries)", miss_ms},
                       {"hit (queries)", hit_query_ms},
                       {"miss (queries)", miss_query_ms}}) {
    j[name] = {{"lookups", v.size()},     {"min_ms", percentile(v, 0)},    {"median_ms", percentile(v, 0.5)},
               {"p99_ms", percentile(v, 0.99)}, {"max_ms", percentile(v, 1.0)}};
  }
  fmt::print("{}\n", j.dump(2));
  return 0;
}
