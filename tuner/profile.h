// Which TUs of a program matter: one callgrind run of the benchmark, each
// function's own cost attributed to the TU whose object defines it (symbol
// tables of the objects, so no debug info is needed and inlined header code
// counts for the function it was inlined into).
#pragma once

#include "tuner/benchmark_run.h"
#include "util/expected.h"

#include <map>
#include <utility>
#include <string>
#include <vector>

namespace llmcc {

struct TuCost {
  std::string object; // object file path
  double cost = 0;    // instructions
  double share = 0;   // of the whole program's instructions
  // Each function's own instructions in this object (mangled names, as the
  // feature extractors record them): what weighs the TU's code features.
  std::map<std::string, double> functions;
};

struct ProfileResult {
  double total = 0;             // all instructions, including libraries
  std::vector<TuCost> tus;      // sorted by cost, descending
  double outside = 0;           // cost in code not from these objects (libc, ...)
  std::vector<std::string> top_functions; // hottest functions (for prompts/reports)
};

// Each function's share of the TU's own instructions (they sum to 1), a clone's
// (`f.part.0`) counted as its function's; empty when none of its code ran.
std::map<std::string, double> function_shares(const TuCost& tu);

// One process's callgrind output: self cost per (object, function).
struct CallgrindProcess {
  std::string cmd; // the command line callgrind recorded
  std::map<std::pair<std::string, std::string>, double> self; // (object path, function) -> instructions
  double total = 0;
};
Expected<CallgrindProcess> parse_callgrind(const std::string& text);

// Self cost per function from a callgrind output file (names as recorded).
Expected<std::map<std::string, double>> parse_callgrind_functions(const std::string& text);

// Defined function symbols of an ELF object (mangled), read from its symbol table.
Expected<std::vector<std::string>> defined_functions(const std::string& object_path);

// Runs the benchmark once under callgrind, following its children (a benchmark
// may be a script that runs the program several times), and attributes the
// instructions of the program's own code to the TUs' objects. Only processes
// that ran one of `program_files` (the binary and its in-tree shared
// libraries) count, and only functions in those files are matched, so a shell's
// `main` is never taken for the program's. Fails when no process ran the program.
Expected<ProfileResult> profile_tus(const BenchSpec& bench, const std::vector<std::string>& objects,
                                    const std::vector<std::string>& program_files, double timeout_sec);

// The same attribution over callgrind outputs already parsed (one per process).
Expected<ProfileResult> attribute_profile(const std::vector<CallgrindProcess>& processes,
                                          const std::vector<std::string>& objects,
                                          const std::vector<std::string>& program_files);

} // namespace llmcc
