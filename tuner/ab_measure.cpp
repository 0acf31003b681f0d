#include "tuner/ab_measure.h"

#include "tuner/binary_install.h"
#include "tuner/statistics.h"
#include "tuner/stop_request.h"

namespace llmcc {

namespace {
// A screening candidate this much slower than the baseline stops being measured.
constexpr double kRaceLoss = 1.25;
} // namespace

AbMeasure::AbMeasure(std::vector<std::string> program_files, BenchSpec bench, Objective objective)
    : m_files(std::move(program_files)), m_bench(std::move(bench)), m_objective(objective) {}

RunSample AbMeasure::run_with(const std::string& copy) const { return run_with(copy, {}); }

RunSample AbMeasure::run_with(const std::string& copy, const std::map<std::string, std::string>& env) const {
  if (Status s = install_program(copy, m_files); !s) {
    RunSample r;
    r.failure = s.message();
    return r;
  }
  BenchSpec spec = m_bench;
  spec.timeout_sec = m_run_timeout;
  for (const auto& [name, value] : env) {
    spec.env[name] = value;
  }
  return run_benchmark(spec, m_objective);
}

void AbMeasure::set_reference(std::string output, OutputPolicy policy) {
  m_reference = std::move(output);
  m_policy = std::move(policy);
}

bool AbMeasure::accept(const RunSample& s, Verdict& verdict, std::string& detail) const {
  if (!s.ok) {
    verdict = s.unmeasurable                                      ? Verdict::Unmeasurable
              : s.failure.find("timed out") != std::string::npos ? Verdict::Timeout
                                                                  : Verdict::Crash;
    detail = s.failure;
    return false;
  }
  if (m_policy.compare && !outputs_match(m_reference, s.output, m_policy)) {
    verdict = Verdict::Mismatch;
    detail = first_difference(m_reference, s.output, m_policy);
    return false;
  }
  return true;
}

PairRuns AbMeasure::measure_pairs(const std::string& base, const std::string& cand, int pairs, bool race) const {
  PairRuns r;
  if (!deterministic()) {
    // Warm-up of the candidate (page cache, CPU frequency); not scored.
    if (!accept(run_with(cand), r.verdict, r.detail)) {
      return r;
    }
  }
  for (int i = 0; i < pairs && !tune_stop_requested(); ++i) {
    bool base_first = i % 2 == 0;
    for (int k = 0; k < 2; ++k) {
      bool is_base = (k == 0) == base_first;
      RunSample s = run_with(is_base ? base : cand);
      if (is_base) {
        if (!s.ok) {
          r.verdict = s.unmeasurable ? Verdict::Unmeasurable : Verdict::BaselineFailed;
          r.detail = s.failure;
          return r;
        }
        r.base.push_back(s.score);
      } else {
        if (!accept(s, r.verdict, r.detail)) {
          return r;
        }
        r.cand.push_back(s.score);
      }
    }
    // A random -O1/-Os draw can run 5x longer than the baseline.
    if (race && median(r.cand) > median(r.base) * kRaceLoss) {
      break;
    }
  }
  r.ok = !r.cand.empty();
  return r;
}

} // namespace llmcc
