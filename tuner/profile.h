// Which TUs of a program matter: one callgrind run of the benchmark, each
// function's own cost attributed to the TU whose object defines it (symbol
// tables of the objects, so no debug info is needed and inlined header code
// counts for the function it was inlined into).
#pragma once

#include "tuner/benchmark_run.h"
#include "util/expected.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

struct TuCost {
  std::string object; // object file path
  double cost = 0;    // instructions
  double share = 0;   // of the whole program's instructions
};

struct ProfileResult {
  double total = 0;             // all instructions, including libraries
  std::vector<TuCost> tus;      // sorted by cost, descending
  double outside = 0;           // cost in code not from these objects (libc, ...)
  std::vector<std::string> top_functions; // hottest functions (for prompts/reports)
};

// Self cost per function from a callgrind output file (names as recorded).
Expected<std::map<std::string, double>> parse_callgrind_functions(const std::string& text);

// Defined function symbols of an ELF object (mangled), read from its symbol table.
Expected<std::vector<std::string>> defined_functions(const std::string& object_path);

Expected<ProfileResult> profile_tus(const BenchSpec& bench, const std::vector<std::string>& objects,
                                    double timeout_sec);

} // namespace llmcc
