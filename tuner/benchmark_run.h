// One run of the user's benchmark command, turned into a score for the
// session's objective (lower is better).
#pragma once

#include "tuner/objective.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

// How to read a benchmark run.
//   time:   CPU time (user+sys) of the whole command, from wait4's rusage.
//   wall:   wall-clock time of the whole command.
//   gbench: Google Benchmark JSON on stdout (--benchmark_format=json is added if
//           missing); score = geometric mean of per-benchmark cpu_time (or
//           real_time with use_real_time), so fixed-time loops are scored by
//           what they print, not by how long they ran.
//   regex:  first capture group of `regex` on stdout+stderr, a number.
//   auto:   gbench if the output parses as Google Benchmark JSON, else time.
struct BenchSpec {
  std::vector<std::string> argv;
  std::string cwd;
  std::string format = "auto";
  std::string regex;
  bool higher_is_better = false; // regex: the number is a throughput
  double timeout_sec = 600;
  std::map<std::string, std::string> env;
};

struct RunSample {
  bool ok = false;
  std::string failure; // "exit 1", "killed by signal 11 (Segmentation fault)", "timed out", "no
                       // score in output"
  double score = 0;    // lower is better
  std::string output;  // stdout as printed (for output comparison)
  double wall_sec = 0;
  double cpu_sec = 0;
  std::map<std::string, double> per_benchmark; // gbench: name -> time
  // The measuring tool, not the program, failed: callgrind could not decode
  // the program's instructions (AVX-512). Set with ok == false.
  bool unmeasurable = false;
};

// Runs the benchmark once. For Objective::Instructions the command runs under
// `valgrind --tool=callgrind` and the score is the total instruction count
// (deterministic; the program's own stdout is still captured).
RunSample run_benchmark(const BenchSpec& spec, Objective objective);

// Whether valgrind's log says a process died on an instruction valgrind's
// decoder (VEX) does not know: valgrind 3.19 decodes no AVX-512, which
// -march=native emits on CPUs that have it. Not a crash of the program, which
// runs natively: callgrind cannot measure it on this CPU.
bool valgrind_could_not_decode(const std::string& log);

} // namespace llmcc
