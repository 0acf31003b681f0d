// Which TUs of the program a session tunes: the ones named with --tu, else the
// hot ones by one callgrind profile of the benchmark (object size when the
// profile fails), skipping LTO TUs whose code generation happens at link time.
#pragma once

#include "cache/records.h"
#include "tuner/benchmark_run.h"
#include "tuner/program_map.h"
#include "util/expected.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

class Config;
class Progress;
struct TuneOptions;

// One TU the session will tune.
struct TuPlan {
  CapturedCommand compile;
  std::string source_rel;
  std::string tu_key; // set once the session computed it
  double share = 0;   // of the program's instructions (1 when chosen by name)
  // Function -> share of this TU's profiled instructions; empty when no profile
  // ran (one TU, or named with --tu). Weighs the TU's code features.
  std::map<std::string, double> hot;
  int budget = 0;     // trials planned for it
};

bool uses_lto(const std::vector<std::string>& args);

// `notes` collects what the summary should say (skipped TUs, profile fallback).
Expected<std::vector<TuPlan>> select_tus(const ProgramMap& program, const TuneOptions& options,
                                         const Config& config, const BenchSpec& bench, Progress& progress,
                                         std::vector<std::string>& notes);

// --reconfirm: every TU of the program whose project-relative source is in
// `sources` (those with a pulled or imported winner), LTO TUs left out.
std::vector<TuPlan> select_tus_by_source(const ProgramMap& program, const Config& config,
                                         const std::vector<std::string>& sources);

} // namespace llmcc
