// Screening: one proposed config tried once. It passes the allow-list, the TU
// is rebuilt with it through the build tool, the program is verified and
// measured against the baseline. Code identical to the baseline's, or to an
// earlier candidate's, is recognised and not run again.
#pragma once

#include "flags/allow_list.h"
#include "tuner/ab_measure.h"
#include "tuner/build_driver.h"
#include "tuner/planner.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// What screening needs to know about the TU and its baseline.
struct ScreeningSetup {
  BuildDriver* driver = nullptr;
  const AbMeasure* measure = nullptr;
  CapturedCommand compile;
  BuildResult base_build;
  CompilerFamily family = CompilerFamily::Unknown;
  SafetyPolicy policy;
  std::string binary;    // the benchmark binary (for messages)
  std::vector<std::string> program_files; // what the benchmark loads
  std::string base_copy; // the baseline program
  std::string cand_copy; // where the candidate program is kept
  std::vector<std::string> verify;
  double baseline_score = 0; // for the size objective
  double threshold = 0.01;   // minimum gain
  int pairs = 1;
  uint64_t seed = 1;
};

// The detail of a candidate whose code an earlier candidate already had.
inline constexpr const char* kSameAsEarlier = "same object code as an earlier candidate";

// Whether a screened (or stored) trial reused a measurement instead of running the
// program: its code was the baseline's or an earlier candidate's.
bool is_repeat(Verdict verdict, const std::string& detail);

// Whether a screened trial leaves the budget alone: a repeat, or a candidate
// this host's measuring tool could not run (it says nothing about the code).
bool costs_no_trial(Verdict verdict, const std::string& detail);

struct Screened {
  TrialOutcome outcome;
  std::vector<double> samples; // the candidate's scores
  std::vector<double> base_samples; // the baseline's, in the same runs
  double compile_sec = 0;
  double run_sec = 0, verify_sec = 0;
  std::string object_hash;
  // Set when the TU cannot be tuned at all (the build does not relink the program).
  std::optional<std::string> fatal;
};

class Screening {
public:
  explicit Screening(ScreeningSetup setup) : m(std::move(setup)) {}
  // `trial` numbers the trial in this TU (seeds the statistics).
  Screened screen(const Proposal& p, int trial);

private:
  void measure(int trial, Screened& r);
  std::optional<std::string> unmeasurable_target(const TuneConfig& c) const;
  ScreeningSetup m;
  std::map<std::string, TrialOutcome> m_measured; // object hash -> outcome
  // -march= values whose code callgrind could not run here, and none of whose
  // configs it did run: later candidates with them are not built. One that
  // ran once (-O3 -march=native without AVX-512 loops) keeps being built.
  std::vector<std::string> m_unmeasurable_targets;
  std::vector<std::string> m_measurable_targets;
};

} // namespace llmcc
