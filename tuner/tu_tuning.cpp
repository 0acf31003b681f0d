#include "tuner/tu_tuning.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "cache/local_confirmation.h"
#include "features/feature_cache.h"
#include "features/neighbours.h"
#include "tuner/binary_install.h"
#include "tuner/budget.h"
#include "tuner/confirmation.h"
#include "tuner/object_size.h"
#include "tuner/pgo_holdout.h"
#include "tuner/pgo_schedule.h"
#include "tuner/pgo_training.h"
#include "tuner/progress.h"
#include "tuner/screening.h"
#include "tuner/statistics.h"
#include "tuner/stop_request.h"
#include "tuner/transfer.h"
#include "tuner/trial_loop.h"
#include "tuner/verification.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strings.h"
#include "wrapper/tu_context.h"
#include "wrapper/tu_key.h"

namespace llmcc {

namespace {

using Clock = std::chrono::steady_clock;

std::string opt_level_of(const std::vector<std::string>& args) {
  std::string level;
  for (const auto& a : args) {
    if (starts_with(a, "-O")) {
      level = a == "-O" ? "-O1" : a;
    }
  }
  return level.empty() ? "-O0" : level;
}

// The baseline of one TU: its plain build, a copy of the program it gives, and
// what its benchmark run says (score, output, time limit for candidates).
struct Baseline {
  BuildResult build;
  std::string copy;
  double score = 0;
};

class TuTuning : private TrialScreen {
public:
  TuTuning(const TuningEnv& env, TuPlan& tu, int budget, bool can_hand_on, TuneSummary& summary)
      : m_env(env), m_o(*env.options), m_tu(tu), m_budget(budget), m_can_hand_on(can_hand_on), m_summary(summary),
        m_deterministic(env.measure->deterministic()),
        m_threshold(m_deterministic ? m_o.min_gain / 10 : m_o.min_gain) {
    m_res.source_rel = tu.source_rel;
  }

  TuResult run(const TrialHistory& history);

private:
  bool fail(std::string reason) {
    m_res.status = TuStatus::Failed;
    m_res.reason = std::move(reason);
    return false;
  }
  bool compute_key();
  // At a trial boundary: a host claim on this TU lost to another host (its
  // keeper renews it meanwhile) is said once, and the TU is finished anyway.
  void keep_claim();
  bool measure_baseline();
  TrainingSetup training_setup() const;
  // Trains this TU's profile; false (with a note) when PGO is not possible here.
  bool train();
  // gcc: a profile holds for one set of early-pass flags. After `config` hit
  // the coverage-mismatch trap, a profile trained with its own flags, or nullopt.
  std::optional<std::string> retrain_for(const TuneConfig& config);
  // The winner among `wins`, PGO winners held out when they lose on the holdout run.
  std::optional<size_t> choose(const std::vector<ConfirmedWin>& wins);
  PlanningContext planning_context() const;
  // False when the TU cannot be tuned at all. `pgo`: the profile trials after
  // the plain search (nullopt: no PGO).
  bool screen_all(Planner& planner, std::optional<PgoSchedule>& pgo, const std::vector<TrialOutcome>& history);
  // TrialScreen (tuner/trial_loop.h), for screen_all's loop.
  std::optional<TrialOutcome> screen(const Proposal& p, int number) override;
  std::optional<std::string> profile_for(const Proposal& p) override;
  bool stopped() const override;
  void shown(const Proposal& p, const TrialOutcome& out, const TrialTally& tally) override;
  void say(const std::string& line) override;
  std::vector<ConfirmedWin> confirm();
  // `cand` built and re-measured against the baseline in fresh interleaved
  // runs, recorded as a "confirm" trial; nullopt (why in `failure`) when it
  // does not build, pass --verify (with `verify`) or run.
  std::optional<ConfirmedWin> measure_confirmation(const Candidate& cand, uint64_t salt, bool verify,
                                                   std::string& failure);
  // --reconfirm: this TU's pulled or imported winner re-measured here.
  void reconfirm();
  void finish(const std::vector<ConfirmedWin>& wins);
  double score_of(const RunSample& s) const;
  // `runs`: what the report needs of the trial's runs (samples, times).
  void record(const Proposal& p, const TrialOutcome& out, const Screened& runs, const std::string& planner_name);

  const TuningEnv& m_env;
  const TuneOptions& m_o;
  TuPlan& m_tu;
  const int m_budget;
  const bool m_can_hand_on;
  TuneSummary& m_summary;
  const bool m_deterministic;
  const double m_threshold;
  TuResult m_res;
  Baseline m_base;
  std::string m_cand_copy;
  std::vector<Candidate> m_candidates;
  std::string m_profile; // the trained profile's hash, once trained
  std::optional<Screening> m_screening;
  std::string m_planner_name;
  int m_profile_bound = 0;   // profile trials on top of the budget, for the ETA
  bool m_said_unmeasurable = false;
  Clock::time_point m_started = Clock::now();
  std::string m_holdout_refusal; // why the holdout run refused the PGO winner, when it did
};

void TuTuning::keep_claim() {
  if (m_env.claims) {
    if (std::optional<std::string> lost = m_env.claims->lost(m_tu.tu_key)) {
      m_env.progress->line(fmt::format("[{}] {}", m_tu.source_rel, *lost));
    }
  }
}

double TuTuning::score_of(const RunSample& s) const {
  if (m_env.measure->objective() == Objective::Size) {
    auto size = object_code_size(m_tu.compile.output);
    return size ? *size : 0;
  }
  return s.score;
}

void TuTuning::record(const Proposal& p, const TrialOutcome& out, const Screened& runs,
                      const std::string& planner_name) {
  TrialRow t;
  t.session_id = m_env.session_id;
  t.tu_key = m_tu.tu_key;
  t.source = m_tu.compile.source;
  t.config = p.config;
  t.planner = planner_name;
  t.op = p.op;
  t.verdict = out.verdict;
  t.detail = out.detail.empty() ? p.rationale : out.detail;
  t.objective = m_o.objective;
  t.speedup = out.speedup;
  t.speedup_low = out.speedup_low;
  t.speedup_high = out.speedup_high;
  t.samples = runs.samples;
  t.base_samples = runs.base_samples;
  t.compile_sec = runs.compile_sec;
  t.run_sec = runs.run_sec;
  t.verify_sec = runs.verify_sec;
  t.object_hash = runs.object_hash;
  if (auto r = m_env.store->add_trial(t); !r) {
    log::warn("could not record a trial: {}", r.error().message);
  }
}

// The TU key, computed exactly as the wrapper will on the next build.
bool TuTuning::compute_key() {
  TuContext ctx = make_tu_context(m_tu.compile, *m_env.config);
  ctx.compiler = m_env.compiler;
  ctx.host = m_env.host;
  auto key = compute_tu_key(ctx);
  if (!key) {
    return fail(key.error().message);
  }
  m_tu.tu_key = *key;
  (void)m_env.store->put_tu(m_tu.tu_key, m_tu.source_rel, m_env.compiler.id,
                            join(normalized_base_flags(ctx.args.args, ctx.args.source), " "));
  return true;
}

// This TU plain, everything else as it is now: the reference for every candidate.
bool TuTuning::measure_baseline() {
  AbMeasure& measure = *m_env.measure;
  m_env.progress->status(fmt::format("[{}] building the baseline...", m_tu.source_rel));
  m_base.build = m_env.driver->rebuild(m_tu.compile, std::nullopt);
  if (!m_base.build.ok) {
    return fail("baseline build failed: " + m_base.build.log);
  }
  m_base.copy = m_env.work_dir + "/base";
  m_cand_copy = m_env.work_dir + "/cand";
  if (Status s = save_program(m_env.program_files, m_base.copy); !s) {
    return fail(s.message());
  }
  if (!m_o.verify.empty()) {
    VerifyResult v = run_verify(m_o.verify, measure.bench().cwd, 3600);
    if (!v.ok) {
      return fail("--verify fails on the baseline build: " + v.detail);
    }
  }
  // The output to compare against, the score and a time limit for candidates.
  RunSample first = measure.run_with(m_base.copy);
  if (!first.ok) {
    return fail("the benchmark fails on the baseline build: " + first.failure);
  }
  measure.set_run_timeout(std::max(10.0, first.wall_sec * 10 + 5));
  OutputPolicy policy;
  policy.ignore_regex = m_o.bench_regex;
  bool gbench = !first.per_benchmark.empty();
  if (m_o.compare_output == "no" || gbench) {
    policy.compare = false;
  } else {
    RunSample second = measure.run_with(m_base.copy);
    bool stable = second.ok && outputs_match(first.output, second.output, policy);
    if (!stable && m_o.compare_output == "yes") {
      return fail("--compare-output yes, but the benchmark's output differs between two baseline runs");
    }
    policy.compare = stable;
    if (!stable) {
      m_summary.notes.push_back(fmt::format(
          "{}: the benchmark output is not deterministic, so outputs are not compared (use --verify)",
          m_tu.source_rel));
    }
  }
  measure.set_reference(first.output, policy);
  m_base.score = score_of(first);
  m_res.baseline = m_base.score;
  return true;
}

TrainingSetup TuTuning::training_setup() const {
  TrainingSetup t;
  t.driver = m_env.driver;
  t.measure = m_env.measure;
  t.store = m_env.store;
  t.compile = m_tu.compile;
  t.tu_key = m_tu.tu_key;
  t.bench_id = bench_identity(m_o.bench, m_env.measure->bench().cwd);
  t.compiler = m_env.compiler;
  t.profdata = m_env.profdata;
  t.cache_dir = m_env.cache_dir;
  t.program_files = m_env.program_files;
  t.copy = m_env.work_dir + "/train";
  return t;
}

bool TuTuning::train() {
  m_env.progress->status(fmt::format("[{}] PGO: building instrumented and running the benchmark once...",
                                     m_tu.source_rel));
  // gcc: the profile holds for the early-pass flags it was made with, here the
  // user's own; a profile trial whose flags change them is marked
  // profile_mismatch and retried once with a profile of its own (retrain_for).
  auto rec = train_profile(training_setup(), std::nullopt);
  m_env.progress->clear();
  if (!rec) {
    m_summary.notes.push_back(fmt::format("{}: PGO training failed, tuning without it: {}", m_tu.source_rel,
                                          rec.error().message.substr(0, 500)));
    m_env.progress->line(m_summary.notes.back());
    return false;
  }
  m_profile = rec->hash;
  m_env.progress->line(fmt::format("[{}] PGO: profile {} trained ({} bytes)", m_tu.source_rel,
                                   rec->hash.substr(0, 12), rec->size));
  return true;
}

std::optional<std::string> TuTuning::retrain_for(const TuneConfig& config) {
  // Each retraining costs an instrumented build and a benchmark run; the
  // schedule asks at most once per profile trial, and those are bounded.
  TuneConfig plain = config;
  plain.pgo.clear();
  m_env.progress->status(fmt::format("[{}] PGO: training again with {}...", m_tu.source_rel, plain.display()));
  auto rec = train_profile(training_setup(), plain);
  m_env.progress->clear();
  if (!rec) {
    m_summary.notes.push_back(fmt::format("{}: PGO training with {} failed: {}", m_tu.source_rel, plain.display(),
                                          rec.error().message.substr(0, 500)));
    m_env.progress->line(m_summary.notes.back());
    return std::nullopt;
  }
  m_env.progress->line(fmt::format("[{}] PGO: profile {} trained with {} ({} bytes)", m_tu.source_rel,
                                   rec->hash.substr(0, 12), plain.display(), rec->size));
  return rec->hash;
}

std::optional<size_t> TuTuning::choose(const std::vector<ConfirmedWin>& wins) {
  std::optional<size_t> chosen = choose_winner(wins);
  if (!chosen || !m_env.holdout || !wins[*chosen].cand.config.uses_profile()) {
    return chosen;
  }
  // The overfitting guard: the profile came from the benchmark itself, so a
  // second input decides. The PGO winner must not be slower there than the best
  // winner without a profile (or, with none, the plain build).
  std::vector<ConfirmedWin> plain;
  std::vector<size_t> plain_index;
  for (size_t i = 0; i < wins.size(); ++i) {
    if (!wins[i].cand.config.uses_profile()) {
      plain.push_back(wins[i]);
      plain_index.push_back(i);
    }
  }
  std::optional<size_t> rival = choose_winner(plain);
  std::string rival_copy = m_base.copy;
  if (rival) {
    rival_copy = m_env.work_dir + "/holdout-rival";
    BuildResult rb = m_env.driver->rebuild(m_tu.compile, plain[*rival].cand.config);
    if (!rb.ok || !save_program(m_env.program_files, rival_copy)) {
      return chosen;
    }
  }
  BuildResult pb = m_env.driver->rebuild(m_tu.compile, wins[*chosen].cand.config);
  if (!pb.ok || !save_program(m_env.program_files, m_cand_copy)) {
    return rival ? std::optional<size_t>(plain_index[*rival]) : std::nullopt;
  }
  m_env.progress->status(fmt::format("[{}] holdout run: {} against {}...", m_tu.source_rel,
                                     wins[*chosen].cand.config.display(),
                                     rival ? plain[*rival].cand.config.display() : "the plain build"));
  PairRuns runs = m_env.holdout->measure_pairs(rival_copy, m_cand_copy, holdout_pairs(m_deterministic, m_o.repeats));
  m_env.progress->clear();
  const auto [ratio, keeps] = holdout_verdict(runs);
  const std::string against = rival ? plain[*rival].cand.config.display() : "the plain build";
  m_summary.notes.push_back(fmt::format("{}: holdout {:.3f}x for {} against {}: {}", m_tu.source_rel, ratio,
                                        wins[*chosen].cand.config.display(), against,
                                        keeps ? "PGO kept" : (runs.ok ? "PGO dropped" : "holdout failed, PGO dropped")));
  m_env.progress->line(m_summary.notes.back());
  if (keeps) {
    return chosen;
  }
  // Said in the TU's result too: with no plain winner, "not confirmed" would hide
  // that the profile did win on the benchmark and lost only on the holdout input.
  m_holdout_refusal = runs.ok ? fmt::format("the PGO winner was slower on the holdout input ({:.3f}x against {})",
                                            ratio, against)
                              : "the holdout run failed with the PGO winner: " + runs.detail;
  return rival ? std::optional<size_t>(plain_index[*rival]) : std::nullopt;
}

PlanningContext TuTuning::planning_context() const {
  const CapturedCommand& c = m_tu.compile;
  PlanningContext pctx;
  pctx.source_rel = m_tu.source_rel;
  pctx.language = c.language;
  pctx.family = m_env.compiler.family;
  pctx.compiler_version = m_env.compiler.version_text;
  pctx.hw_class = m_env.host.hw_class();
  pctx.objective = m_o.objective;
  pctx.space = m_env.space;
  pctx.baseline.opt_level = opt_level_of(std::vector<std::string>(c.argv.begin() + 1, c.argv.end()));
  pctx.hardware = m_env.host.to_json();
  pctx.seed = m_o.seed;
  pctx.budget = static_cast<size_t>(std::max(0, m_budget));
  if (auto src = fs::read_file(c.source)) {
    pctx.source_excerpt = src->substr(0, 6000);
  }
  auto winners = m_env.store->winners();
  if (winners) {
    pctx.prior_winners = transfer_seeds(*winners, m_env.compiler.id, m_env.host.hw_class(), m_tu.source_rel);
  }
  // Code features (extracted once per TU key) find the similar TUs whose
  // winners seed this search after the same source's own.
  TuContext tctx = make_tu_context(m_tu.compile, *m_env.config);
  tctx.compiler = m_env.compiler;
  tctx.host = m_env.host;
  CachedFeatures cf = features_for(*m_env.store, tctx, m_tu.tu_key, ExtractorTools::beside_self(), m_tu.hot);
  for (const auto& n : cf.notes) {
    log::debug("{}", n);
  }
  if (cf.features && winners) {
    NeighbourQuery q{m_tu.tu_key, std::string(family_name(m_env.compiler.family)), m_env.host.hw_class(),
                     m_o.objective, kTransferNeighbours};
    auto rows = m_env.store->all_features(kFeatureSchemaVersion);
    std::vector<Neighbour> near =
        rows ? nearest_neighbours(*cf.features, q, *rows, *winners) : std::vector<Neighbour>{};
    pctx.neighbour_winners = neighbour_seeds(near);
    pctx.features = planner_features(*cf.features, near);
  }
  return pctx;
}

// Screening: the trial loop (tuner/trial_loop.h) decides what to try and when
// to stop; this builds, measures and records each trial.
bool TuTuning::screen_all(Planner& planner, std::optional<PgoSchedule>& pgo,
                          const std::vector<TrialOutcome>& history) {
  ScreeningSetup setup;
  setup.driver = m_env.driver;
  setup.measure = m_env.measure;
  setup.compile = m_tu.compile;
  setup.base_build = m_base.build;
  setup.family = m_env.compiler.family;
  setup.policy = m_env.policy;
  setup.binary = m_env.binary;
  setup.program_files = m_env.program_files;
  setup.base_copy = m_base.copy;
  setup.cand_copy = m_cand_copy;
  setup.verify = m_o.verify;
  setup.baseline_score = m_base.score;
  setup.threshold = m_threshold;
  setup.pairs = m_deterministic ? 1 : std::max(2, m_o.repeats);
  setup.seed = m_o.seed;
  m_screening.emplace(std::move(setup));
  m_planner_name = planner.name();
  m_profile_bound = pgo ? pgo->bound() : 0;
  m_started = Clock::now();
  TrialTally tally;
  const TrialLimits limits{m_tu.source_rel, m_budget, m_threshold, m_can_hand_on};
  const bool ok = run_trial_loop(planner, pgo ? &*pgo : nullptr, history, limits, *this, tally);
  m_res.trials = tally.trials;
  m_res.repeats = tally.repeats;
  m_res.profile_trials = tally.profile_trials;
  m_env.progress->clear();
  if (std::string report = planner.report(); !report.empty()) {
    m_summary.notes.push_back(m_tu.source_rel + ": " + report);
  }
  return ok;
}

std::optional<TrialOutcome> TuTuning::screen(const Proposal& p, int number) {
  Screened s = m_screening->screen(p, number);
  if (s.fatal) {
    fail(*s.fatal);
    return std::nullopt;
  }
  const TrialOutcome& out = s.outcome;
  if (out.verdict == Verdict::Ok) {
    m_candidates.push_back({p.config, *out.speedup, p.op, p.rationale});
  }
  if (is_failure(out.verdict)) {
    ++m_res.failed_trials;
  }
  if (out.verdict == Verdict::Unmeasurable && !m_said_unmeasurable) {
    m_said_unmeasurable = true;
    m_env.progress->line(fmt::format("[{}] callgrind cannot run the code of {} on this CPU (valgrind decodes no "
                                     "AVX-512): such candidates cost no trial and are not kept; --objective "
                                     "time measures them",
                                     m_tu.source_rel, p.config.display()));
  }
  record(p, out, s, m_planner_name);
  keep_claim();
  return out;
}

std::optional<std::string> TuTuning::profile_for(const Proposal& p) {
  if (p.op == kRetrainedOp) {
    return retrain_for(p.config);
  }
  // Trained only now, after the plain search: a TU that never gets here pays nothing for PGO.
  if (m_profile.empty() && !train()) {
    return std::nullopt;
  }
  return m_profile;
}

bool TuTuning::stopped() const { return tune_stop_requested() || m_env.out_of_time(); }

void TuTuning::shown(const Proposal& p, const TrialOutcome& out, const TrialTally& tally) {
  // The session's totals: the budget's trials and, apart, the profile trials.
  m_summary.trials += tally.last_counted ? 1 : 0;
  m_summary.profile_trials += tally.last_profile_counted ? 1 : 0;
  m_res.trials = tally.trials;
  m_res.repeats = tally.repeats;
  m_res.profile_trials = tally.profile_trials;
  const int ran = tally.trials + tally.profile_trials;
  const int left = (m_budget - tally.trials) + std::max(0, m_profile_bound - tally.profile_trials);
  double elapsed = std::chrono::duration<double>(Clock::now() - m_started).count();
  double eta = ran > 0 ? elapsed / ran * left : 0;
  m_env.progress->trial({m_tu.source_rel, tally.trials, m_budget, std::string(to_string(out.verdict)), out.speedup,
                         tally.best, eta, p.op, p.config, tally.profile_trials});
}

void TuTuning::say(const std::string& line) { m_env.progress->line(line); }

// Fresh interleaved runs of the best few, so the reported gain is not the lucky
// draw that made them look best.
std::vector<ConfirmedWin> TuTuning::confirm() {
  std::sort(m_candidates.begin(), m_candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.speedup > b.speedup; });
  std::vector<ConfirmedWin> wins;
  int confirmed = 0;
  std::vector<Candidate> list = confirmation_list(m_candidates, m_deterministic ? 1 : 3, m_threshold);
  if (m_env.holdout) {
    if (auto rival = holdout_rival_to_confirm(m_candidates, list, m_threshold)) {
      list.push_back(*rival);
    }
  }
  for (const auto& cand : list) {
    if (tune_stop_requests() >= 2) {
      break;
    }
    ++confirmed;
    m_env.progress->status(fmt::format("[{}] confirming {:.3f}x: {}", m_tu.source_rel, cand.speedup,
                                       m_env.progress->whole() ? cand.config.display()
                                                               : short_config(cand.config, cand.op, 40)));
    std::string ignored;
    std::optional<ConfirmedWin> w = measure_confirmation(cand, static_cast<uint64_t>(confirmed), false, ignored);
    keep_claim();
    if (w && w->cmp.win) {
      wins.push_back(std::move(*w));
    }
  }
  return wins;
}

std::optional<ConfirmedWin> TuTuning::measure_confirmation(const Candidate& cand, uint64_t salt, bool verify,
                                                           std::string& failure) {
  BuildResult b = m_env.driver->rebuild(m_tu.compile, cand.config);
  if (!b.ok) {
    failure = "it does not build: " + one_line(b.log, 200);
    return std::nullopt;
  }
  if (Status s = save_program(m_env.program_files, m_cand_copy); !s) {
    failure = s.message();
    return std::nullopt;
  }
  Screened evidence;
  if (verify && !m_o.verify.empty()) {
    auto started = Clock::now();
    VerifyResult v = run_verify(m_o.verify, m_env.measure->bench().cwd, 3600);
    evidence.verify_sec = std::chrono::duration<double>(Clock::now() - started).count();
    if (!v.ok) {
      failure = "--verify fails with it: " + one_line(v.detail, 200);
      record({cand.config, "confirm", cand.rationale}, {cand.config, "confirm", Verdict::VerifyFailed, v.detail},
             evidence, "confirm");
      return std::nullopt;
    }
  }
  std::vector<double> bs, cs;
  double run_sec = 0;
  Comparison cmp;
  if (m_env.measure->objective() == Objective::Size) {
    auto size = object_code_size(m_tu.compile.output);
    bs = {m_res.baseline};
    cs = {size ? *size : m_res.baseline};
    cmp = compare(bs, cs, m_threshold);
  } else {
    int pairs = m_deterministic ? 1 : std::max(7, m_o.repeats + 2);
    auto started = Clock::now();
    PairRuns runs = m_env.measure->measure_pairs(m_base.copy, m_cand_copy, pairs);
    run_sec = std::chrono::duration<double>(Clock::now() - started).count();
    if (!runs.ok) {
      failure = fmt::format("{}: {}", to_string(runs.verdict), one_line(runs.detail, 200));
      if (verify) {
        record({cand.config, "confirm", cand.rationale}, {cand.config, "confirm", runs.verdict, runs.detail},
               evidence, "confirm");
      }
      return std::nullopt;
    }
    bs = runs.base;
    cs = runs.cand;
    cmp = compare(bs, cs, m_threshold, 0.95, m_o.seed * 7919 + salt);
  }
  Proposal p{cand.config, "confirm", cand.rationale};
  TrialOutcome o{cand.config, "confirm", cmp.win ? Verdict::Ok : Verdict::NotConfirmed, "", cmp.speedup, cmp.low,
                 cmp.high};
  evidence.samples = cs;
  evidence.base_samples = bs;
  evidence.compile_sec = b.seconds;
  evidence.run_sec = run_sec;
  evidence.object_hash = b.object_hash;
  record(p, o, evidence, "confirm");
  return ConfirmedWin{cand, cmp, median(cs)};
}

// Stores the chosen winner and leaves the TU built with it, or as the user's
// build makes it when nothing was confirmed.
void TuTuning::finish(const std::vector<ConfirmedWin>& wins) {
  const CapturedCommand& c = m_tu.compile;
  m_env.progress->clear();
  std::optional<size_t> chosen = choose(wins);
  if (!chosen) {
    m_res.status = tune_stop_requested() ? TuStatus::Interrupted : TuStatus::NoGain;
    m_res.reason = !m_holdout_refusal.empty() ? m_holdout_refusal
                   : m_candidates.empty()
                       ? (m_res.failed_trials == 0 ? "every candidate compiled to the baseline's code"
                                                   : "no candidate both compiled and passed verification")
                       : fmt::format("best candidate {:.3f}x was not confirmed as a real gain",
                                     m_candidates.front().speedup);
    (void)m_env.driver->rebuild_with_winners({c});
    return;
  }
  const ConfirmedWin& win = wins[*chosen];
  m_res.best = win.best;
  WinnerRecord w;
  w.tu_key = m_tu.tu_key;
  w.source_rel = m_tu.source_rel;
  w.source_base = fs::base_name(c.source);
  w.compiler_id = m_env.compiler.id;
  w.host_fp = m_env.host.fingerprint();
  w.hw_class = m_env.host.hw_class();
  w.objective = m_o.objective;
  w.config = win.cand.config;
  w.baseline = m_res.baseline;
  w.best = m_res.best;
  w.speedup = win.cmp.speedup;
  w.speedup_low = win.cmp.low;
  w.speedup_high = win.cmp.high;
  w.session_id = m_env.session_id;
  w.rationale = win.cand.rationale;
  // This host's own confirmation outweighs an earlier --reconfirm that dropped
  // the same config as someone else's winner.
  Status stored = m_env.store->transaction([&]() -> Status {
    if (Status put = m_env.store->put_winner(w); !put) {
      return put;
    }
    return m_env.store->clear_rejection(w);
  });
  if (!stored) {
    fail("could not store the winner: " + stored.message());
    return;
  }
  m_res.status = TuStatus::Tuned;
  m_res.speedup = win.cmp.speedup;
  m_res.speedup_low = win.cmp.low;
  m_res.speedup_high = win.cmp.high;
  m_res.config = win.cand.config.display();
  // From now on this TU is built with its winner, through the wrapper's lookup.
  BuildResult after = m_env.driver->rebuild_with_winners({c});
  if (!after.ok) {
    m_summary.notes.push_back(fmt::format("{}: rebuilding with the winner failed: {}", m_tu.source_rel, after.log));
  }
}

// --reconfirm: the pulled or imported winner of this TU on this host, with the
// same statistics as the confirmation of a winner tuned here. One that holds
// stays, marked confirmed here; one that does not is removed like
// `llmcc forget` does it, its re-measurement kept as a trial.
void TuTuning::reconfirm() {
  const std::string here = m_env.host.fingerprint();
  std::optional<WinnerRecord> imported;
  if (auto all = m_env.store->winners()) {
    for (const auto& w : *all) {
      if (w.tu_key == m_tu.tu_key && w.compiler_id == m_env.compiler.id && w.hw_class == m_env.host.hw_class() &&
          w.objective == m_o.objective && w.origin != "local" && !local_confirmation(w, here)) {
        imported = w;
        break;
      }
    }
  }
  if (!imported) {
    m_res.status = TuStatus::Skipped;
    m_res.reason = "no pulled or imported winner to re-measure (or already confirmed here)";
    return;
  }
  if (!measure_baseline()) {
    return;
  }
  Candidate cand{imported->config, imported->speedup, "reconfirm", "imported winner, re-measured here"};
  std::string failure;
  std::optional<ConfirmedWin> got = measure_confirmation(cand, 1, true, failure);
  m_res.config = imported->config.display();
  if (got && got->cmp.win) {
    imported->provenance = with_local_confirmation(
        imported->provenance, {here, now_unix(), m_env.session_id, got->cmp.speedup, got->cmp.low, got->cmp.high});
    if (Status s = m_env.store->put_winner(*imported); !s) {
      fail("could not mark the winner confirmed: " + s.message());
      return;
    }
    m_res.status = TuStatus::Confirmed;
    m_res.best = got->best;
    m_res.speedup = got->cmp.speedup;
    m_res.speedup_low = got->cmp.low;
    m_res.speedup_high = got->cmp.high;
    m_res.reason = fmt::format("holds on this machine: {:.3f}x [{:.3f}, {:.3f}]; kept, confirmed here",
                               got->cmp.speedup, got->cmp.low, got->cmp.high);
  } else {
    const std::string why =
        got ? fmt::format("does not hold on this machine: {:.3f}x [{:.3f}, {:.3f}] (needs > {:.3f}x)", got->cmp.speedup,
                          got->cmp.low, got->cmp.high, 1 + m_threshold)
            : fmt::format("fails on this machine ({})", failure);
    LocalRejection rejection =
        got ? rejection_of(*imported, got->cmp.speedup, got->cmp.low, got->cmp.high, why, m_env.session_id, now_unix())
            : rejection_of(*imported, std::nullopt, std::nullopt, std::nullopt, why, m_env.session_id, now_unix());
    // Dropped and remembered together, so no pull in between brings it back.
    Status s = m_env.store->transaction([&]() -> Status {
      if (Status d = m_env.store->delete_winner(imported->id); !d) {
        return d;
      }
      return m_env.store->put_rejection(rejection);
    });
    if (!s) {
      fail("could not drop the winner: " + s.message());
      return;
    }
    m_res.status = TuStatus::Dropped;
    m_res.reason = got ? why + "; dropped, its re-measurement kept as a trial" : why + "; dropped";
  }
  // The TU as the wrapper now builds it: with the kept winner, or plainly.
  (void)m_env.driver->rebuild_with_winners({m_tu.compile});
}

TuResult TuTuning::run(const TrialHistory& all_history) {
  if (!compute_key()) {
    return m_res;
  }
  if (m_o.reconfirm) {
    reconfirm();
    return m_res;
  }
  // Another host tuning this TU keeps it; ours is released however this returns.
  if (m_env.claims) {
    if (std::optional<std::string> held = m_env.claims->claim(m_tu.tu_key)) {
      m_res.status = TuStatus::ClaimedElsewhere;
      m_res.reason = *held;
      return m_res;
    }
  }
  struct Release {
    TuClaims* claims;
    const std::string& key;
    ~Release() {
      if (claims) {
        claims->release(key);
      }
    }
  } release{m_env.claims, m_tu.tu_key};
  if (!measure_baseline()) {
    return m_res;
  }
  keep_claim();
  static const std::vector<TrialRow> kNone;
  auto it = all_history.find(m_tu.tu_key);
  const std::vector<TrialRow>& history_rows = it == all_history.end() ? kNone : it->second;
  std::string planner_status;
  std::unique_ptr<Planner> planner = (*m_env.planners)(m_o.planner, &planner_status);
  if (!planner) {
    fail("unknown planner " + m_o.planner);
    return m_res;
  }
  if (!planner_status.empty()) {
    m_env.progress->line(planner_status);
  }
  // A resumed session: what this TU already tried, for the planner and for confirmation.
  // The planner gets the plain trials only, as it would without PGO.
  std::vector<TrialOutcome> history, plain_history;
  for (const auto& t : history_rows) {
    if (t.planner == "confirm") {
      continue;
    }
    history.push_back({t.config, t.op, t.verdict, t.detail, t.speedup, t.speedup_low, t.speedup_high, t.object_hash});
    if (!t.config.uses_profile()) {
      plain_history.push_back(history.back());
    }
    if (t.verdict == Verdict::Ok && t.speedup) {
      m_candidates.push_back({t.config, *t.speedup, t.op, t.detail});
    }
  }
  std::optional<PgoSchedule> pgo;
  if (m_env.pgo) {
    pgo.emplace(m_budget, m_threshold);
    pgo->start(history);
  }
  keep_claim();
  planner->start(planning_context(), plain_history);
  if (screen_all(*planner, pgo, history)) {
    finish(confirm());
  }
  return m_res;
}

} // namespace

TuResult tune_tu(const TuningEnv& env, TuPlan& tu, int budget, bool can_hand_on, const TrialHistory& history,
                 TuneSummary& summary) {
  TuTuning t(env, tu, budget, can_hand_on, summary);
  return t.run(history);
}

} // namespace llmcc
