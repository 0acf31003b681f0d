// A Google Benchmark JSON document shared by the parser and runner tests.
#pragma once

namespace llmcc::testing {

// What a Google Benchmark binary prints with --benchmark_format=json, trimmed a
// little, plus a stddev aggregate that must be ignored.
inline constexpr const char* kGbenchJson = R"({
  "context": {
    "date": "2024-05-01T10:00:00+00:00",
    "host_name": "box",
    "executable": "./bench",
    "num_cpus": 2,
    "mhz_per_cpu": 2400,
    "cpu_scaling_enabled": false,
    "caches": [],
    "load_avg": [0.5, 0.4, 0.3],
    "library_build_type": "release"
  },
  "benchmarks": [
    {
      "name": "BM_Sort/1024",
      "family_index": 0,
      "per_family_instance_index": 0,
      "run_name": "BM_Sort/1024",
      "run_type": "iteration",
      "repetitions": 1,
      "repetition_index": 0,
      "threads": 1,
      "iterations": 20000,
      "real_time": 4.1000000000000000e+03,
      "cpu_time": 4.0000000000000000e+03,
      "time_unit": "ns"
    },
    {
      "name": "BM_Hash",
      "family_index": 1,
      "per_family_instance_index": 0,
      "run_name": "BM_Hash",
      "run_type": "iteration",
      "repetitions": 1,
      "repetition_index": 0,
      "threads": 1,
      "iterations": 700000,
      "real_time": 1.0100000000000000e+02,
      "cpu_time": 1.0000000000000000e+02,
      "time_unit": "ns",
      "bytes_per_second": 1.0e+09
    },
    {
      "name": "BM_Hash_stddev",
      "family_index": 1,
      "per_family_instance_index": 0,
      "run_name": "BM_Hash",
      "run_type": "aggregate",
      "repetitions": 1,
      "threads": 1,
      "aggregate_name": "stddev",
      "aggregate_unit": "time",
      "iterations": 1,
      "real_time": 3.0e+00,
      "cpu_time": 3.0e+00,
      "time_unit": "ns"
    }
  ]
}
)";

} // namespace llmcc::testing
