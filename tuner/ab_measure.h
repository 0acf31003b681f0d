// A/B measurement of two builds of one program. The baseline and a candidate
// binary are installed in turn at the path the benchmark runs, after a warm-up,
// in interleaved ABBA pairs so neither side always runs first; every candidate
// run is checked against the baseline's output.
#pragma once

#include "cache/records.h"
#include "tuner/benchmark_run.h"
#include "tuner/objective.h"
#include "tuner/verification.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct PairRuns {
  bool ok = false;                     // at least one candidate score and no failure
  Verdict verdict = Verdict::Interrupted; // when !ok
  std::string detail;
  std::vector<double> base, cand;      // scores, in run order
};

class AbMeasure {
public:
  // `program_files`: what the benchmark loads (binary, in-tree shared libraries).
  AbMeasure(std::vector<std::string> program_files, BenchSpec bench, Objective objective);

  // Runs the benchmark once with the saved program `copy` installed (binary_install.h).
  RunSample run_with(const std::string& copy) const;
  // The same with `env` added to the benchmark's environment (PGO training: where its profile goes).
  RunSample run_with(const std::string& copy, const std::map<std::string, std::string>& env) const;
  // What candidate outputs are compared with (the baseline's), and how.
  void set_reference(std::string output, OutputPolicy policy);
  void set_run_timeout(double seconds) { m_run_timeout = seconds; }
  double run_timeout() const { return m_run_timeout; }
  const BenchSpec& bench() const { return m_bench; }
  Objective objective() const { return m_objective; }
  // Instructions and size are exact: one run each, no warm-up.
  bool deterministic() const { return m_objective != Objective::Time; }

  // Whether a candidate's run is acceptable: it ran, and its output matches the
  // reference when outputs are compared. Sets the verdict and detail if not.
  bool accept(const RunSample& s, Verdict& verdict, std::string& detail) const;

  // `pairs` interleaved A/B runs. With `race`, a candidate far slower than the
  // baseline after a pair is not run again (the planner still learns it lost).
  PairRuns measure_pairs(const std::string& base, const std::string& cand, int pairs, bool race = false) const;

private:
  std::vector<std::string> m_files;
  BenchSpec m_bench;
  Objective m_objective;
  std::string m_reference;
  OutputPolicy m_policy;
  double m_run_timeout = 600;
};

} // namespace llmcc
