#include "tuner/screening.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "tuner/binary_install.h"
#include "tuner/object_size.h"
#include "tuner/statistics.h"
#include "tuner/verification.h"
#include "util/strings.h"

namespace llmcc {

bool is_repeat(Verdict verdict, const std::string& detail) {
  return verdict == Verdict::Identical || detail == kSameAsEarlier;
}

bool costs_no_trial(Verdict verdict, const std::string& detail) {
  return is_repeat(verdict, detail) || verdict == Verdict::Unmeasurable;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// gcc's -Wmissing-profile lines in a profile trial's build output; "" for none.
std::string profile_not_found(const TuneConfig& config, const std::string& output) {
  if (!config.uses_profile()) {
    return {};
  }
  std::string lines;
  for (const auto& line : split(output, '\n')) {
    if (line.find("[-Wmissing-profile]") != std::string::npos) {
      lines += line + "\n";
    }
  }
  return lines;
}

} // namespace

Screened Screening::screen(const Proposal& p, int trial) {
  Screened r;
  r.outcome.config = p.config;
  r.outcome.op = p.op;
  auto violations = check_config(p.config, m.family, m.policy);
  if (!violations.empty()) {
    r.outcome.verdict = Verdict::Rejected;
    r.outcome.detail = describe_violations(violations);
    return r;
  }
  if (auto target = unmeasurable_target(p.config)) {
    r.outcome.verdict = Verdict::Unmeasurable;
    r.outcome.detail = fmt::format("not built: callgrind could not run {} code earlier in this session", *target);
    return r;
  }
  BuildResult b = m.driver->rebuild(m.compile, p.config);
  r.compile_sec = b.seconds;
  r.object_hash = b.object_hash;
  if (!b.ok && p.config.uses_profile() && b.log.find("coverage-mismatch") != std::string::npos) {
    // gcc's trap: this config's early-pass flags differ from the training
    // build's, so the profile does not fit. A verdict of its own, never a silent loss.
    r.outcome.verdict = Verdict::ProfileMismatch;
    r.outcome.detail = b.log.substr(0, 2000);
  } else if (!b.ok) {
    r.outcome.verdict = Verdict::CompileError;
    r.outcome.detail = b.log.substr(0, 2000);
  } else if (std::string missing = profile_not_found(p.config, b.output); !missing.empty()) {
    // The same trap without an error: early inlining removed a function the
    // config keeps (-O1, -fno-inline), or the profile is not where gcc looks.
    // The program would run with part of the profile or none, a silent loss.
    r.outcome.verdict = Verdict::ProfileMismatch;
    r.outcome.detail = missing.substr(0, 2000);
  } else if (b.object_hash == m.base_build.object_hash) {
    r.outcome.verdict = Verdict::Identical;
    r.outcome.detail = "same object code as the baseline";
    r.outcome.speedup = r.outcome.speedup_low = r.outcome.speedup_high = 1.0;
  } else if (auto seen = m_measured.find(b.object_hash); seen != m_measured.end()) {
    // Same code as an earlier candidate: same program, same verdict.
    r.outcome = seen->second;
    r.outcome.config = p.config;
    r.outcome.op = p.op;
    r.outcome.detail = kSameAsEarlier;
  } else if (b.binary_hash == m.base_build.binary_hash) {
    r.fatal = m.program_files.size() > 1
                  ? fmt::format("the TU's object changed but neither {} nor the shared libraries it loads did: "
                                "the build command does not relink them (pass --build-cmd or --target)",
                                m.binary)
                  : fmt::format("the TU's object changed but {} did not: the build command does not relink "
                                "it (pass --build-cmd or --target)",
                                m.binary);
    return r;
  } else if (Status s = save_program(m.program_files, m.cand_copy); !s) {
    r.outcome.verdict = Verdict::Crash;
    r.outcome.detail = s.message();
  } else {
    measure(trial, r);
  }
  r.outcome.code = r.object_hash;
  const Verdict v = r.outcome.verdict;
  // Ok and Mismatch ran to the end under the measuring tool.
  if (v == Verdict::Unmeasurable || v == Verdict::Ok || v == Verdict::Mismatch) {
    auto& into = v == Verdict::Unmeasurable ? m_unmeasurable_targets : m_measurable_targets;
    for (const auto& o : p.config.options) {
      if (o.rfind("-march=", 0) == 0) {
        into.push_back(o);
      }
    }
  }
  if (!r.object_hash.empty() && (v == Verdict::Ok || v == Verdict::Mismatch || v == Verdict::Crash ||
                                 v == Verdict::VerifyFailed)) {
    m_measured.emplace(r.object_hash, r.outcome);
  }
  return r;
}

std::optional<std::string> Screening::unmeasurable_target(const TuneConfig& c) const {
  auto has = [](const std::vector<std::string>& v, const std::string& o) {
    return std::find(v.begin(), v.end(), o) != v.end();
  };
  for (const auto& o : c.options) {
    if (has(m_unmeasurable_targets, o) && !has(m_measurable_targets, o)) {
      return o;
    }
  }
  return std::nullopt;
}

void Screening::measure(int trial, Screened& r) {
  TrialOutcome& out = r.outcome;
  if (!m.verify.empty()) {
    auto started = std::chrono::steady_clock::now();
    VerifyResult v = run_verify(m.verify, m.measure->bench().cwd, std::max(60.0, m.measure->run_timeout() * 10));
    r.verify_sec = seconds_since(started);
    if (!v.ok) {
      out.verdict = Verdict::VerifyFailed;
      out.detail = v.detail;
      return;
    }
  }
  std::vector<double> base_scores;
  auto started = std::chrono::steady_clock::now();
  if (m.measure->objective() == Objective::Size) {
    RunSample s = m.measure->run_with(m.cand_copy);
    if (!m.measure->accept(s, out.verdict, out.detail)) {
      // A size trial that does not run is a crash, whatever the reason.
      if (!s.ok) {
        out.verdict = Verdict::Crash;
      }
      return;
    }
    r.run_sec = seconds_since(started);
    auto size = object_code_size(m.compile.output);
    r.samples = {size ? *size : 0};
    base_scores = {m.baseline_score};
  } else {
    PairRuns runs = m.measure->measure_pairs(m.base_copy, m.cand_copy, m.pairs, /*race=*/true);
    r.run_sec = seconds_since(started);
    r.samples = runs.cand; // kept as evidence even when a later run failed
    r.base_samples = runs.base;
    if (!runs.ok) {
      out.verdict = runs.verdict;
      out.detail = runs.detail;
      return;
    }
    base_scores = runs.base;
  }
  out.verdict = Verdict::Ok;
  Comparison cmp = compare(base_scores, r.samples, m.threshold, 0.95, m.seed + static_cast<uint64_t>(trial));
  out.speedup = cmp.speedup;
  out.speedup_low = cmp.low;
  out.speedup_high = cmp.high;
}

} // namespace llmcc
