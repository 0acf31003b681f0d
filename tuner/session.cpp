// One `llmcc tune` session, top to bottom:
//   1. prepare: the benchmark binary, its link and TUs (recapturing a CMake
//      build that did not go through llmcc), the compiler and the host;
//   2. select the hot TUs (tu_selection) and probe the search space
//      (compiler_space); split the budget over the TUs (budget);
//   3. the session row (or the one being resumed) and the plain build;
//   4. tune each TU (tu_tuning), handing unused trials on;
//   5. leave the build with the winners and measure the whole program.
#include "tuner/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cache/local/store.h"
#include "cache/local_confirmation.h"
#include "config/config.h"
#include "config/pgo_mode.h"
#include "hwdetect/host.h"
#include "tuner/ab_measure.h"
#include "tuner/benchmark_binary.h"
#include "tuner/binary_install.h"
#include "tuner/budget.h"
#include "tuner/build_driver.h"
#include "tuner/cmake_capture.h"
#include "tuner/compiler_space.h"
#include "tuner/pgo_holdout.h"
#include "tuner/pgo_training.h"
#include "tuner/progress.h"
#include "tuner/program_map.h"
#include "tuner/statistics.h"
#include "tuner/tu_selection.h"
#include "tuner/tu_tuning.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/config_admission.h"

namespace llmcc {

namespace {

using Clock = std::chrono::steady_clock;

// The TUs another host held, in the stored session summary.
constexpr const char* kClaimedSourcesKey = "claimed_sources";

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// `notes` after `earlier`, each once.
std::vector<std::string> with_notes(std::vector<std::string> earlier, const std::vector<std::string>& notes) {
  for (const auto& n : notes) {
    if (std::find(earlier.begin(), earlier.end(), n) == earlier.end()) {
      earlier.push_back(n);
    }
  }
  return earlier;
}

class Session {
public:
  Session(const TuneOptions& o, const Config& config, Store& store, const PlannerFactory& factory, TuClaims* claims)
      : m_o(o), m_config(config), m_store(store), m_factory(factory), m_claims(claims),
        m_progress(o.quiet || o.json, o.verbose) {}

  Expected<TuneSummary> run();

private:
  Status prepare();
  Status decide_pgo();
  void set_up_holdout(const BenchSpec& bench);
  void plan_budget();
  TuneSummary dry_run(const BuildDriver& driver) const;
  Status open_session_row();
  TuningEnv tuning_env();
  void tune_all();
  void measure_program(const std::vector<CapturedCommand>& all, const std::string& orig_copy);
  bool out_of_time() const { return m_o.time_limit_sec > 0 && seconds_since(m_started) > m_o.time_limit_sec; }
  void save_state(SessionState state);

  TuneOptions m_o;
  const Config& m_config;
  Store& m_store;
  const PlannerFactory& m_factory;
  TuClaims* m_claims;
  Progress m_progress;
  Clock::time_point m_started = Clock::now();

  Objective m_objective = Objective::Time;
  SafetyPolicy m_policy;
  std::string m_build_dir;
  std::string m_binary;
  std::string m_work_dir;
  ProgramMap m_program;
  std::optional<BuildDriver> m_driver;
  std::optional<AbMeasure> m_measure;
  std::optional<AbMeasure> m_holdout; // --bench-holdout, or the --verify command
  bool m_pgo = false;
  std::string m_profdata;
  std::vector<TuPlan> m_tus;
  CompilerIdentity m_compiler;
  hw::HostInfo m_host;
  SearchSpace m_space;
  TuneSummary m_summary;
  std::vector<std::string> m_done_sources;                 // resumed sessions skip these
  std::vector<std::string> m_claimed_sources;              // held by another host: resume tries them again
  std::vector<std::string> m_said_notes; // the resumed session's notes its interrupted run printed
  TrialHistory m_history; // trials of the session being resumed
};

Status Session::prepare() {
  auto obj = parse_objective(m_o.objective);
  if (!obj) {
    return Error{obj.error()};
  }
  m_objective = *obj;
  m_summary.objective = m_o.objective;
  m_policy = safety_policy(m_config);
  m_policy.allow_unsafe_math = m_policy.allow_unsafe_math || m_o.allow_unsafe_math;

  m_build_dir = fs::real_path(m_o.build_dir);
  if (m_build_dir.empty()) {
    return Error{fmt::format("build directory {} does not exist", m_o.build_dir)};
  }
  if (m_o.bench.empty()) {
    return Error{"no benchmark command (--bench)"};
  }
  const std::string cwd = fs::current_dir();
  auto binary = resolve_benchmark_binary(m_o, m_build_dir, cwd, m_store);
  if (!binary) {
    return Error{binary.error()};
  }
  m_binary = *binary;
  BenchSpec bench;
  bench.argv = m_o.bench;
  bench.cwd = cwd;
  bench.format = m_o.bench_format;
  bench.regex = m_o.bench_regex;
  bench.higher_is_better = m_o.higher_is_better;
  if (!m_o.bench_regex.empty() && m_o.bench_format == "auto") {
    bench.format = "regex";
  }
  auto program = map_program(m_store, m_binary);
  if (!program && fs::exists(m_build_dir + "/CMakeCache.txt")) {
    auto target = capture_cmake_build(m_build_dir, m_binary, m_o.target, m_progress);
    if (!target) {
      return Error{program.error().message + "\n" + target.error().message};
    }
    if (m_o.target.empty()) {
      m_o.target = *target;
    }
    m_summary.notes.push_back(fmt::format("added llmcc as compiler/linker launcher to {} (CMake target {})",
                                          m_build_dir, *target));
    program = map_program(m_store, m_binary);
  }
  if (!program) {
    return Error{program.error()};
  }
  m_program = *program;
  m_measure.emplace(m_program.files(), bench, m_objective);
  auto id = compiler_identity(m_program.tus.front().compile.compiler, &m_store);
  if (!id) {
    return Error{id.error()};
  }
  m_compiler = *id;
  m_host = hw::detect_host();
  if (Status s = decide_pgo(); !s) {
    return s;
  }
  set_up_holdout(bench);
  return {};
}

// The PGO overfitting guard's second input (tuner/pgo_holdout.h).
void Session::set_up_holdout(const BenchSpec& bench) {
  std::optional<HoldoutInput> in = holdout_input(bench, m_o.bench_holdout, m_o.verify, m_pgo, m_objective);
  if (!in) {
    return;
  }
  if (in->from_verify) {
    m_summary.notes.push_back(kVerifyHoldoutNote);
  }
  m_holdout.emplace(m_program.files(), in->bench, m_objective);
  m_holdout->set_reference("", OutputPolicy{false, ""}); // another input: another output
}

// PGO is on when asked for and possible; when it is not possible, one clear
// message says why and the session tunes without it.
Status Session::decide_pgo() {
  const std::string text = m_o.pgo.empty() ? m_config.str("pgo") : m_o.pgo;
  auto mode = pgo_mode_from_string(text);
  if (!mode) {
    return Error{fmt::format("pgo = {}: expected auto, on or off", text)};
  }
  if (*mode == PgoMode::Off) {
    return {};
  }
  std::string why = pgo_unavailable(m_compiler, &m_profdata);
  if (!why.empty()) {
    m_summary.notes.push_back("PGO is off for this session: " + why);
    if (*mode == PgoMode::On) {
      log::warn("{}", m_summary.notes.back());
    }
    return {};
  }
  m_pgo = true;
  return {};
}

void Session::plan_budget() {
  std::vector<double> shares;
  for (const auto& t : m_tus) {
    shares.push_back(t.share);
  }
  std::vector<int> budgets = split_budget(shares, m_o.budget);
  for (size_t i = 0; i < m_tus.size(); ++i) {
    m_tus[i].budget = budgets[i];
  }
}

TuneSummary Session::dry_run(const BuildDriver& driver) const {
  TuneSummary s = m_summary;
  s.state = SessionState::DryRun;
  s.notes.push_back("binary: " + m_binary);
  s.notes.push_back("rebuild: " + driver.describe());
  s.notes.push_back(fmt::format("compiler: {} (id {})", m_compiler.version_text, m_compiler.id));
  s.notes.push_back(fmt::format("hardware: {} ({})", m_host.fingerprint(), m_host.hw_class()));
  s.notes.push_back(fmt::format("search space: {} dimensions", m_space.size()));
  for (const auto& t : m_tus) {
    TuResult r;
    r.source_rel = t.source_rel;
    r.status = TuStatus::Planned;
    r.reason = fmt::format("{} trials ({:.1f}% of the profile)", t.budget, t.share * 100);
    s.tus.push_back(r);
  }
  return s;
}

// Every trial is written as it happens, so a killed session resumes.
Status Session::open_session_row() {
  if (m_o.resume_session > 0) {
    m_summary.session_id = m_o.resume_session;
    auto session = m_store.session(m_o.resume_session);
    if (session && *session) {
      m_done_sources = (*session)->summary.value("done_sources", std::vector<std::string>{});
      // An interrupted run printed its summary, notes included: they are not said again.
      if ((*session)->state == SessionState::Interrupted) {
        m_said_notes = (*session)->summary.value("notes", std::vector<std::string>{});
      }
    }
    if (auto trials = m_store.trials(m_o.resume_session)) {
      for (auto& t : *trials) {
        m_history[t.tu_key].push_back(t);
      }
    }
    return {};
  }
  auto id = m_store.create_session(m_build_dir, m_o.to_json());
  if (!id) {
    return Error{id.error()};
  }
  m_summary.session_id = *id;
  // The database must not grow without bound, and compiles never prune: each new
  // session drops the trial history beyond the newest `trial_history` sessions.
  const int64_t keep = std::max<int64_t>(1, std::strtoll(m_config.str("trial_history").c_str(), nullptr, 10));
  if (auto pruned = m_store.keep_newest_sessions(keep); pruned && pruned->sessions > 0) {
    m_progress.line(fmt::format("dropped the trial history of {} old session(s) ({} trials; trial_history = {})",
                                pruned->sessions, pruned->trials, keep));
  }
  return {};
}

void Session::save_state(SessionState state) {
  nlohmann::json j = m_summary.to_json();
  j["notes"] = with_notes(m_said_notes, m_summary.notes);
  j["done_sources"] = m_done_sources;
  j[kClaimedSourcesKey] = m_claimed_sources;
  (void)m_store.update_session(m_summary.session_id, state, j);
}

TuningEnv Session::tuning_env() {
  TuningEnv env;
  env.options = &m_o;
  env.config = &m_config;
  env.store = &m_store;
  env.planners = &m_factory;
  env.progress = &m_progress;
  env.driver = &*m_driver;
  env.measure = &*m_measure;
  env.policy = m_policy;
  env.binary = m_binary;
  env.program_files = m_program.files();
  env.work_dir = m_work_dir;
  env.compiler = m_compiler;
  env.host = m_host;
  env.space = m_space;
  env.session_id = m_summary.session_id;
  env.out_of_time = [this] { return out_of_time(); };
  env.pgo = m_pgo;
  env.profdata = m_profdata;
  env.cache_dir = m_config.cache_dir();
  env.holdout = m_holdout ? &*m_holdout : nullptr;
  env.claims = m_claims;
  return env;
}

// The TUs in order of their share; a TU that stops early hands its unused
// trials to the next.
void Session::tune_all() {
  const TuningEnv env = tuning_env();
  auto done = [&](const TuPlan& t) {
    return std::find(m_done_sources.begin(), m_done_sources.end(), t.compile.source) != m_done_sources.end();
  };
  int carry = 0;
  for (size_t i = 0; i < m_tus.size(); ++i) {
    TuPlan& t = m_tus[i];
    if (tune_stop_requested() || out_of_time()) {
      break;
    }
    if (done(t)) {
      continue;
    }
    const bool can_hand_on = std::any_of(m_tus.begin() + static_cast<long>(i) + 1, m_tus.end(),
                                         [&](const TuPlan& later) { return !done(later); });
    int budget = std::min(t.budget + carry, m_o.budget - m_summary.trials);
    if (budget <= 0 && !m_o.reconfirm) { // --reconfirm runs no trials from the budget
      break;
    }
    TuResult r = tune_tu(env, t, budget, can_hand_on, m_history, m_summary);
    carry = std::max(0, budget - r.trials);
    m_progress.line(fmt::format("[{}] {}: {}", t.source_rel, to_string(r.status),
                                r.status == TuStatus::Tuned
                                    ? fmt::format("{:.3f}x [{:.3f}, {:.3f}] with {}", r.speedup, r.speedup_low,
                                                  r.speedup_high, r.config)
                                    : r.reason));
    m_summary.tus.push_back(r);
    // A TU another host held is not done: --resume asks for its claim again.
    if (r.status == TuStatus::ClaimedElsewhere) {
      m_claimed_sources.push_back(t.compile.source);
    } else if (r.status != TuStatus::Interrupted) {
      m_done_sources.push_back(t.compile.source);
    }
    save_state(SessionState::Running);
  }
}

// The program as tuned against the program as the user's flags build it.
// The program as tuned against the program as the user's flags build it, and
// against the whole program at -O3 -march=native (what users would try first).
void Session::measure_program(const std::vector<CapturedCommand>& tuned, const std::string& orig_copy) {
  const bool any = std::any_of(m_summary.tus.begin(), m_summary.tus.end(),
                               [](const TuResult& r) { return r.status == TuStatus::Tuned; });
  const bool measure = !tune_stop_requested() && !m_o.quiet && any;
  std::vector<CapturedCommand> program_tus;
  for (const auto& t : m_program.tus) {
    program_tus.push_back(t.compile);
  }
  std::string native_copy;
  if (measure && m_objective != Objective::Size) {
    m_progress.status("building the whole program with -O3 -march=native for comparison...");
    TuneConfig native;
    native.opt_level = "-O3";
    native.options = {"-march=native"};
    BuildResult nb = m_driver->rebuild_all_with(program_tus, native);
    if (nb.ok && save_program(m_program.files(), m_work_dir + "/native")) {
      native_copy = m_work_dir + "/native";
    } else {
      m_summary.notes.push_back("could not build the program with -O3 -march=native for comparison: " +
                                (nb.ok ? std::string("saving it failed") : nb.log));
    }
  }
  // Every TU the native build touched goes back to its winner or its plain flags.
  BuildResult final_build = m_driver->rebuild_with_winners(native_copy.empty() ? tuned : program_tus);
  if (!final_build.ok) {
    m_summary.notes.push_back("the final rebuild with the winners failed: " + final_build.log);
    return;
  }
  if (!measure) {
    return;
  }
  m_progress.status("measuring the whole program against the plain build...");
  std::string final_copy = m_work_dir + "/final";
  if (save_program(m_program.files(), final_copy)) {
    const int pairs = m_measure->deterministic() ? 1 : std::max(5, m_o.repeats);
    PairRuns runs = m_measure->measure_pairs(orig_copy, final_copy, pairs);
    if (runs.ok) {
      Comparison cmp = compare(runs.base, runs.cand, m_o.min_gain);
      m_summary.program_measured = m_objective != Objective::Size;
      m_summary.program_speedup = cmp.speedup;
      m_summary.program_low = cmp.low;
      m_summary.program_high = cmp.high;
    }
    if (!native_copy.empty()) {
      m_progress.status("measuring the whole program against -O3 -march=native...");
      PairRuns vs = m_measure->measure_pairs(native_copy, final_copy, pairs);
      if (vs.ok) {
        Comparison cmp = compare(vs.base, vs.cand, m_o.min_gain);
        m_summary.native_measured = true;
        m_summary.native_speedup = cmp.speedup;
        m_summary.native_low = cmp.low;
        m_summary.native_high = cmp.high;
      } else if (vs.verdict == Verdict::Unmeasurable) {
        m_summary.notes.push_back("not compared with the -O3 -march=native build of the program: callgrind cannot "
                                  "run it on this CPU (valgrind decodes no AVX-512); --objective time compares them");
      } else {
        m_summary.notes.push_back(fmt::format("the -O3 -march=native build of the program did not run ({}: {})",
                                              to_string(vs.verdict), one_line(vs.detail, 200)));
      }
    }
  }
  (void)install_program(final_copy, m_program.files());
  m_progress.clear();
}

Expected<TuneSummary> Session::run() {
  if (Status s = prepare(); !s) {
    return Error{s.message()};
  }
  if (m_o.reconfirm) {
    // The TUs with a winner from elsewhere; TuTuning matches each by its key.
    std::vector<std::string> sources;
    if (auto all = m_store.winners()) {
      for (const auto& w : *all) {
        if (w.origin != "local" && w.compiler_id == m_compiler.id && w.objective == m_o.objective &&
            !local_confirmation(w, m_host.fingerprint())) {
          sources.push_back(w.source_rel);
        }
      }
    }
    m_tus = select_tus_by_source(m_program, m_config, sources);
    if (m_tus.empty()) {
      return Error{fmt::format("no pulled or imported winner (objective {}, compiler {}) that is not confirmed "
                               "here yet for a TU of {}: nothing to re-measure (see llmcc winners)",
                               m_o.objective, m_compiler.id, m_binary)};
    }
  } else {
    auto tus = select_tus(m_program, m_o, m_config, m_measure->bench(), m_progress, m_summary.notes);
    if (!tus) {
      return Error{tus.error()};
    }
    m_tus = std::move(*tus);
  }
  m_space = probed_search_space(m_store, m_compiler, m_policy, m_progress, m_summary.notes);
  plan_budget();

  auto driver = BuildDriver::create(m_build_dir, m_program, m_o.build_cmd, m_o.target, "/tmp");
  if (!driver) {
    return Error{driver.error()};
  }
  if (m_o.dry_run) {
    return dry_run(*driver);
  }
  if (Status s = open_session_row(); !s) {
    return Error{s.message()};
  }
  m_work_dir = fmt::format("{}/sessions/{}", m_config.cache_dir(), m_summary.session_id);
  if (Status s = fs::make_dirs(m_work_dir); !s) {
    return Error{s.message()};
  }
  driver = BuildDriver::create(m_build_dir, m_program, m_o.build_cmd, m_o.target, m_work_dir);
  m_driver = std::move(*driver);
  m_progress.line(fmt::format("llmcc tune: session {}, {} TU(s), objective {}, budget {} trials, planner {}",
                              m_summary.session_id, m_tus.size(), m_o.objective, m_o.budget, m_o.planner));

  std::vector<CapturedCommand> all;
  for (const auto& t : m_tus) {
    all.push_back(t.compile);
  }
  BuildResult plain = m_driver->rebuild_plain(all);
  if (!plain.ok) {
    save_state(SessionState::Failed);
    return Error{"the plain build of the program failed: " + plain.log};
  }
  std::string orig_copy = m_work_dir + "/orig";
  if (Status s = save_program(m_program.files(), orig_copy); !s) {
    return Error{s.message()};
  }
  save_state(SessionState::Running);

  tune_all();
  measure_program(all, orig_copy);

  if (auto trials = m_store.trials(m_summary.session_id)) {
    m_summary.worth = planner_worth(*trials, m_summary.winners());
  }
  m_summary.seconds = seconds_since(m_started);
  m_summary.state = tune_stop_requested() ? SessionState::Interrupted : SessionState::Done;
  save_state(m_summary.state);
  // Said once: the stored summary keeps every note of the session, this run
  // prints those its interrupted run did not.
  std::erase_if(m_summary.notes, [&](const std::string& n) {
    return std::find(m_said_notes.begin(), m_said_notes.end(), n) != m_said_notes.end();
  });
  std::error_code ec;
  for (const char* f : {"/base", "/cand", "/orig", "/final", "/native", "/trial.json"}) {
    std::filesystem::remove_all(m_work_dir + f, ec);
  }
  return m_summary;
}

} // namespace

bool left_tus_to_other_hosts(const nlohmann::json& summary) {
  auto it = summary.find(kClaimedSourcesKey);
  return it != summary.end() && it->is_array() && !it->empty();
}

Expected<TuneSummary> run_tune_session(const TuneOptions& options, const Config& config, Store& store,
                                       const PlannerFactory& make_planner, TuClaims* claims) {
  Session s(options, config, store, make_planner, claims);
  return s.run();
}

} // namespace llmcc
