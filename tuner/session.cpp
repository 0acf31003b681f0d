#include "tuner/session.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "cache/local/store.h"
#include "config/config.h"
#include "flags/allow_list.h"
#include "hwdetect/host.h"
#include "tuner/build_driver.h"
#include "tuner/cmake_file_api.h"
#include "tuner/flag_probe.h"
#include "tuner/planner.h"
#include "tuner/profile.h"
#include "tuner/program_map.h"
#include "tuner/statistics.h"
#include "tuner/verification.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/args.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/tu_context.h"

namespace llmcc {

namespace {

std::atomic<int> g_stop{0}; // Ctrl-C count

// A screening candidate this much slower than the baseline stops being measured.
constexpr double kRaceLoss = 1.25;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string format_duration(double s) {
  if (s < 60) {
    return fmt::format("{:.0f}s", s);
  }
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

// Progress goes to stderr: one line per event, or one updating line on a terminal.
class Progress {
public:
  explicit Progress(bool quiet) : m_quiet(quiet), m_tty(::isatty(STDERR_FILENO) != 0) {}
  void line(const std::string& text) {
    if (m_quiet) {
      return;
    }
    clear();
    fmt::print(stderr, "{}\n", text);
  }
  void status(const std::string& text) {
    if (m_quiet) {
      return;
    }
    if (m_tty) {
      clear();
      std::string t = text.size() > 150 ? text.substr(0, 147) + "..." : text;
      fmt::print(stderr, "{}", t);
      m_open = t.size();
    } else {
      fmt::print(stderr, "{}\n", text);
    }
  }
  void clear() {
    if (m_open) {
      fmt::print(stderr, "\r{}\r", std::string(m_open, ' '));
      m_open = 0;
    }
  }

private:
  bool m_quiet;
  bool m_tty;
  size_t m_open = 0;
};

std::string bar(double fraction, int width = 20) {
  int filled = static_cast<int>(std::round(std::clamp(fraction, 0.0, 1.0) * width));
  return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.') + "]";
}

Status install_binary(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::string tmp = to + ".llmcc-swap";
  std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return Error{fmt::format("cannot copy {}: {}", from, ec.message())};
  }
  std::filesystem::rename(tmp, to, ec);
  if (ec) {
    return Error{fmt::format("cannot install {}: {}", to, ec.message())};
  }
  return {};
}

std::string opt_level_of(const std::vector<std::string>& args) {
  std::string level;
  for (const auto& a : args) {
    if (starts_with(a, "-O")) {
      level = a == "-O" ? "-O1" : a;
    }
  }
  return level.empty() ? "-O0" : level;
}

bool uses_lto(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return starts_with(a, "-flto") && a != "-flto=0" && !starts_with(a, "-flto-");
  });
}

// One candidate's measured result, kept for the confirmation round.
struct Candidate {
  TuneConfig config;
  double speedup = 1;
  std::string op;
  std::string rationale;
};

class Session {
public:
  Session(const TuneOptions& o, const Config& config, Store& store, const PlannerFactory& factory)
      : m_o(o), m_config(config), m_store(store), m_factory(factory), m_progress(o.quiet || o.json) {}

  Expected<TuneSummary> run();

private:
  struct TuState {
    CapturedCommand compile;
    std::string source_rel;
    std::string tu_key;
    double share = 0;
    int budget = 0;
  };

  Status prepare();
  Status capture_cmake_build();
  Status select_tus();
  Status setup_search_space();
  TuResult tune_tu(TuState& tu, int budget);
  // Runs the benchmark with `binary_copy` installed; fills a sample.
  RunSample run_with(const std::string& binary_copy);
  bool deterministic() const { return m_objective != Objective::Time; }
  double score_of(const RunSample& s, const CapturedCommand& tu);
  // Interleaved A/B runs; returns false (with verdict) when the candidate fails or differs.
  bool measure_pairs(const std::string& base, const std::string& cand, int pairs,
                     std::vector<double>& base_scores, std::vector<double>& cand_scores,
                     std::string& verdict, std::string& detail, bool race = false);
  void record_trial(const TuState& tu, const Proposal& p, const TrialOutcome& out,
                    const std::vector<double>& samples, double compile_sec, const std::string& object_hash,
                    const std::string& planner_name);
  bool out_of_time() const {
    return m_o.time_limit_sec > 0 && seconds_since(m_started) > m_o.time_limit_sec;
  }
  void save_state(const std::string& state);

  TuneOptions m_o;
  const Config& m_config;
  Store& m_store;
  const PlannerFactory& m_factory;
  Progress m_progress;
  Clock::time_point m_started = Clock::now();

  Objective m_objective = Objective::Time;
  SafetyPolicy m_policy;
  std::string m_build_dir;
  std::string m_binary;
  std::string m_work_dir;
  ProgramMap m_program;
  std::optional<BuildDriver> m_driver;
  std::vector<TuState> m_tus;
  CompilerIdentity m_compiler;
  hw::HostInfo m_host;
  SearchSpace m_space;
  BenchSpec m_bench;
  OutputPolicy m_output_policy;
  std::string m_base_output;
  double m_run_timeout = 600;
  TuneSummary m_summary;
  std::vector<std::string> m_done_sources; // resumed sessions skip these
  std::map<std::string, std::vector<TrialRow>> m_history; // tu_key -> trials of this session
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
  std::string cwd = fs::current_dir();
  std::string binary = m_o.binary.empty() ? m_o.bench[0] : m_o.binary;
  if (binary.find('/') == std::string::npos && m_o.binary.empty()) {
    binary = resolve_program(binary);
  }
  m_binary = fs::real_path(fs::absolute(binary, cwd));
  const bool is_cmake = fs::exists(m_build_dir + "/CMakeCache.txt");
  if (is_cmake && !m_o.target.empty() && m_o.binary.empty()) {
    // The CMake File API knows where the target's binary is.
    if (auto project = load_cmake_project(m_build_dir, /*reconfigure=*/true)) {
      if (const CMakeTarget* t = project->find_target(m_o.target); t && !t->artifacts.empty()) {
        m_binary = fs::real_path(t->artifacts.front());
      }
    }
  }
  if (m_binary.empty()) {
    return Error{fmt::format("benchmark binary {} not found (build it first, or pass --binary)", binary)};
  }
  m_bench.argv = m_o.bench;
  m_bench.cwd = cwd;
  m_bench.format = m_o.bench_format;
  m_bench.regex = m_o.bench_regex;
  m_bench.higher_is_better = m_o.higher_is_better;
  if (!m_o.bench_regex.empty() && m_o.bench_format == "auto") {
    m_bench.format = "regex";
  }

  auto program = map_program(m_store, m_binary);
  if (!program && is_cmake) {
    // A CMake build that did not go through llmcc: route it through llmcc as
    // compiler and linker launcher and rebuild once, so every compile and link is
    // recorded. The File API tells us which target makes the binary.
    if (Status s = capture_cmake_build(); !s) {
      return Error{program.error().message + "\n" + s.message()};
    }
    program = map_program(m_store, m_binary);
  }
  if (!program) {
    return Error{program.error()};
  }
  m_program = *program;
  auto id = compiler_identity(m_program.tus.front().compile.compiler, &m_store);
  if (!id) {
    return Error{id.error()};
  }
  m_compiler = *id;
  m_host = hw::detect_host();
  return {};
}

Status Session::capture_cmake_build() {
  auto project = load_cmake_project(m_build_dir, /*reconfigure=*/true);
  if (!project) {
    return Error{"reading the CMake File API reply failed: " + project.error().message};
  }
  std::string target = m_o.target;
  if (target.empty()) {
    for (const auto& t : project->targets) {
      for (const auto& a : t.artifacts) {
        if (fs::real_path(a) == m_binary) {
          target = t.name;
        }
      }
    }
  }
  if (target.empty()) {
    return Error{fmt::format("no CMake target in {} produces {}", m_build_dir, m_binary)};
  }
  std::string llmcc = find_llmcc_binary();
  if (llmcc.empty()) {
    return Error{"cannot find the llmcc binary"};
  }
  m_progress.line(fmt::format("{} was not built through llmcc: adding llmcc as the compiler and linker launcher "
                              "of {} and rebuilding target {} once",
                              fs::base_name(m_binary), m_build_dir, target));
  ProcessOptions configure;
  configure.argv = {project->cmake_command.empty() ? "cmake" : project->cmake_command, m_build_dir};
  for (const char* lang : {"C", "CXX"}) {
    configure.argv.push_back(fmt::format("-DCMAKE_{}_COMPILER_LAUNCHER={}", lang, llmcc));
    configure.argv.push_back(fmt::format("-DCMAKE_{}_LINKER_LAUNCHER={}", lang, llmcc));
  }
  configure.timeout_sec = 3600;
  auto r = run_process(configure);
  if (!r || !r->success()) {
    return Error{"reconfiguring with the llmcc launcher failed: " + (r ? r->err.substr(0, 2000) : r.error().message)};
  }
  ProcessOptions build;
  build.argv = {project->cmake_command.empty() ? "cmake" : project->cmake_command, "--build", m_build_dir,
                "--target", target, "--clean-first"};
  build.timeout_sec = 3600;
  r = run_process(build);
  if (!r || !r->success()) {
    return Error{"the capture build failed: " + (r ? (r->out + r->err).substr(0, 2000) : r.error().message)};
  }
  if (m_o.target.empty()) {
    m_o.target = target;
  }
  m_summary.notes.push_back(fmt::format("added llmcc as compiler/linker launcher to {} (CMake target {})",
                                        m_build_dir, target));
  return {};
}

Status Session::select_tus() {
  std::vector<ProgramTu> candidates;
  for (const auto& t : m_program.tus) {
    std::vector<std::string> args(t.compile.argv.begin() + 1, t.compile.argv.end());
    if (uses_lto(args)) {
      m_summary.notes.push_back(fmt::format(
          "skipped {}: built with -flto, so code generation happens at link time and per-TU flags "
          "are partly ignored",
          t.compile.source));
      continue;
    }
    candidates.push_back(t);
  }
  if (candidates.empty()) {
    return Error{"no tunable TU in the program (all use LTO or none was compiled through llmcc)"};
  }
  auto make_state = [&](const ProgramTu& t, double share) {
    TuState s;
    s.compile = t.compile;
    std::string root = find_project_root(t.compile.source, m_config);
    s.source_rel = fs::relative_to(t.compile.source, root).value_or(fs::base_name(t.compile.source));
    s.share = share;
    return s;
  };
  if (!m_o.tus.empty()) {
    for (const auto& want : m_o.tus) {
      std::string abs = fs::real_path(fs::absolute(want, fs::current_dir()));
      bool found = false;
      for (const auto& t : candidates) {
        if (t.compile.source == abs || fs::real_path(t.compile.source) == abs ||
            ends_with(t.compile.source, "/" + want)) {
          m_tus.push_back(make_state(t, 1.0));
          found = true;
          break;
        }
      }
      if (!found) {
        return Error{fmt::format("--tu {}: not a TU of {} (known: {})", want, m_binary,
                                 [&] {
                                   std::vector<std::string> names;
                                   for (const auto& t : candidates) {
                                     names.push_back(fs::base_name(t.compile.source));
                                   }
                                   return join(names, ", ");
                                 }())};
      }
    }
    return {};
  }
  if (candidates.size() == 1) {
    m_tus.push_back(make_state(candidates.front(), 1.0));
    return {};
  }
  std::vector<std::string> objects;
  for (const auto& t : candidates) {
    objects.push_back(t.compile.output);
  }
  m_progress.line(fmt::format("profiling {} TUs of {} with callgrind...", candidates.size(),
                              fs::base_name(m_binary)));
  auto prof = profile_tus(m_bench, objects, 1800);
  std::vector<std::pair<double, const ProgramTu*>> ranked;
  if (prof) {
    for (const auto& c : prof->tus) {
      for (const auto& t : candidates) {
        if (t.compile.output == c.object) {
          ranked.emplace_back(c.share, &t);
        }
      }
    }
    m_progress.line("hot TUs (share of all instructions):");
    for (const auto& [share, t] : ranked) {
      m_progress.line(fmt::format("  {:5.1f}%  {}", share * 100, fs::base_name(t->compile.source)));
    }
  } else {
    m_summary.notes.push_back("profiling failed (" + prof.error().message +
                              "); ranking TUs by object size instead");
    for (const auto& t : candidates) {
      auto size = object_code_size(t.compile.output);
      ranked.emplace_back(size ? *size : 0, &t);
    }
    std::sort(ranked.rbegin(), ranked.rend());
    double total = 0;
    for (auto& r : ranked) {
      total += r.first;
    }
    for (auto& r : ranked) {
      r.first = total > 0 ? r.first / total : 0;
    }
  }
  double covered = 0;
  for (const auto& [share, t] : ranked) {
    if (static_cast<int>(m_tus.size()) >= m_o.max_tus || covered >= 0.9 || (share < 0.05 && !m_tus.empty())) {
      break;
    }
    m_tus.push_back(make_state(*t, share));
    covered += share;
  }
  if (m_tus.empty()) {
    m_tus.push_back(make_state(*ranked.front().second, 1.0));
  }
  return {};
}

Status Session::setup_search_space() {
  SearchSpace full = SearchSpace::build(m_compiler.family, m_policy);
  std::vector<std::string> names;
  for (const auto& d : full.dims()) {
    if (d.name != "-O" && d.name != "-march") {
      names.push_back(d.name);
    }
  }
  // Probing is per compiler binary; keep the answer in the database.
  std::string key = "probe:" + m_compiler.id + ":" + hash_hex(join(names, "\n")).substr(0, 16);
  std::vector<std::string> accepted;
  bool cached = false;
  if (auto st = m_store.db().prepare("SELECT value FROM meta WHERE key=?")) {
    st->bind(1, key);
    if (auto row = st->step(); row && *row) {
      auto j = nlohmann::json::parse(st->text(0), nullptr, false);
      if (j.is_array()) {
        accepted = j.get<std::vector<std::string>>();
        cached = true;
      }
    }
  }
  if (!cached) {
    m_progress.line(fmt::format("probing {} options with {}...", names.size(), m_compiler.version_text));
    accepted = probe_options(m_compiler.path, m_compiler.family, names);
    if (auto st = m_store.db().prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)")) {
      st->bind(1, key).bind(2, nlohmann::json(accepted).dump());
      (void)st->run();
    }
  }
  accepted.push_back("-O");
  accepted.push_back("-march");
  m_space = SearchSpace::build(m_compiler.family, m_policy, &accepted);
  if (accepted.size() - 2 < names.size()) {
    m_summary.notes.push_back(fmt::format("{} of {} options are not accepted by this compiler and were dropped",
                                          names.size() + 2 - accepted.size(), names.size()));
  }
  return {};
}

RunSample Session::run_with(const std::string& binary_copy) {
  if (Status s = install_binary(binary_copy, m_binary); !s) {
    RunSample r;
    r.failure = s.message();
    return r;
  }
  BenchSpec spec = m_bench;
  spec.timeout_sec = m_run_timeout;
  return run_benchmark(spec, m_objective);
}

double Session::score_of(const RunSample& s, const CapturedCommand& tu) {
  if (m_objective == Objective::Size) {
    auto size = object_code_size(tu.output);
    return size ? *size : 0;
  }
  return s.score;
}

bool Session::measure_pairs(const std::string& base, const std::string& cand, int pairs,
                            std::vector<double>& base_scores,
                            std::vector<double>& cand_scores, std::string& verdict, std::string& detail,
                            bool race) {
  auto check = [&](const RunSample& s) {
    if (!s.ok) {
      verdict = s.failure.find("timed out") != std::string::npos ? "timeout" : "crash";
      detail = s.failure;
      return false;
    }
    if (m_output_policy.compare && !outputs_match(m_base_output, s.output, m_output_policy)) {
      verdict = "mismatch";
      detail = first_difference(m_base_output, s.output, m_output_policy);
      return false;
    }
    return true;
  };
  if (!deterministic()) {
    // Warm-up of the candidate (page cache, CPU frequency); not scored.
    if (!check(run_with(cand))) {
      return false;
    }
  }
  for (int i = 0; i < pairs && !g_stop; ++i) {
    // Alternate the order (ABBA) so neither side always runs first.
    bool base_first = i % 2 == 0;
    for (int k = 0; k < 2; ++k) {
      bool is_base = (k == 0) == base_first;
      RunSample s = run_with(is_base ? base : cand);
      if (is_base) {
        if (!s.ok) {
          verdict = "baseline_failed";
          detail = s.failure;
          return false;
        }
        base_scores.push_back(s.score);
      } else {
        if (!check(s)) {
          return false;
        }
        cand_scores.push_back(s.score);
      }
    }
    // Racing: a screening candidate far slower than the baseline after a pair is
    // not worth more runs (a random -O1/-Os draw can run 5x longer than the
    // baseline); the planner still learns it lost.
    if (race && median(cand_scores) > median(base_scores) * kRaceLoss) {
      break;
    }
  }
  return !cand_scores.empty();
}

void Session::record_trial(const TuState& tu, const Proposal& p, const TrialOutcome& out,
                           const std::vector<double>& samples, double compile_sec,
                           const std::string& object_hash, const std::string& planner_name) {
  TrialRow t;
  t.session_id = m_summary.session_id;
  t.tu_key = tu.tu_key;
  t.source = tu.compile.source;
  t.config = p.config;
  t.planner = planner_name;
  t.op = p.op;
  t.verdict = out.verdict;
  t.detail = out.detail.empty() ? p.rationale : out.detail;
  t.objective = m_o.objective;
  t.speedup = out.speedup;
  t.speedup_low = out.speedup_low;
  t.speedup_high = out.speedup_high;
  t.samples = samples;
  t.compile_sec = compile_sec;
  t.object_hash = object_hash;
  if (auto r = m_store.add_trial(t); !r) {
    log::warn("could not record a trial: {}", r.error().message);
  }
}

void Session::save_state(const std::string& state) {
  nlohmann::json j = m_summary.to_json();
  j["done_sources"] = m_done_sources;
  (void)m_store.update_session(m_summary.session_id, state, j);
}

// The best `top` candidates by screening, plus the one with the fewest options
// among those that screened within kSimpleMargin of the best: exploration
// winners carry dozens of passengers, and when a plain config is as fast, the
// winner choice below should have it to pick.
std::vector<Candidate> confirmation_list(const std::vector<Candidate>& sorted, size_t top, double threshold) {
  constexpr double kSimpleMargin = 0.98;
  std::vector<Candidate> out;
  const Candidate* simplest = nullptr;
  for (const auto& c : sorted) {
    if (c.speedup <= 1 + threshold) {
      break;
    }
    if (out.size() < top) {
      out.push_back(c);
    }
    if (c.speedup >= sorted.front().speedup * kSimpleMargin &&
        (!simplest || c.config.options.size() < simplest->config.options.size())) {
      simplest = &c;
    }
  }
  if (simplest && std::none_of(out.begin(), out.end(), [&](const Candidate& c) {
        return c.config.canonical() == simplest->config.canonical();
      })) {
    out.push_back(*simplest);
  }
  return out;
}

TuResult Session::tune_tu(TuState& tu, int budget) {
  TuResult res;
  res.source_rel = tu.source_rel;
  const CapturedCommand& c = tu.compile;
  std::vector<std::string> args(c.argv.begin() + 1, c.argv.end());

  // The TU key, computed exactly as the wrapper will on the next build.
  TuContext ctx;
  ctx.cwd = c.cwd;
  ctx.compiler_path = c.compiler;
  ctx.args = classify_args(args, c.language == "c++", c.cwd);
  ctx.compiler = m_compiler;
  ctx.host = m_host;
  ctx.source_abs = c.source;
  ctx.output_abs = c.output;
  ctx.project_root = find_project_root(c.source, m_config);
  ctx.source_rel = tu.source_rel;
  auto key = compute_tu_key(ctx);
  if (!key) {
    res.status = "failed";
    res.reason = key.error().message;
    return res;
  }
  tu.tu_key = *key;
  (void)m_store.put_tu(tu.tu_key, tu.source_rel, m_compiler.id,
                       join(normalized_base_flags(ctx.args.args, ctx.args.source), " "));

  // Baseline: this TU plain, everything else as it is now.
  m_progress.status(fmt::format("[{}] building the baseline...", tu.source_rel));
  BuildResult base_build = m_driver->rebuild(c, std::nullopt);
  if (!base_build.ok) {
    res.status = "failed";
    res.reason = "baseline build failed: " + base_build.log;
    return res;
  }
  std::string base_copy = m_work_dir + "/base.bin";
  std::string cand_copy = m_work_dir + "/cand.bin";
  if (Status s = install_binary(m_binary, base_copy); !s) {
    res.status = "failed";
    res.reason = s.message();
    return res;
  }
  if (!m_o.verify.empty()) {
    VerifyResult v = run_verify(m_o.verify, m_bench.cwd, 3600);
    if (!v.ok) {
      res.status = "failed";
      res.reason = "--verify fails on the baseline build: " + v.detail;
      return res;
    }
  }
  // Baseline runs: the output to compare against, the score and a time limit.
  RunSample first = run_with(base_copy);
  if (!first.ok) {
    res.status = "failed";
    res.reason = "the benchmark fails on the baseline build: " + first.failure;
    return res;
  }
  m_run_timeout = std::max(10.0, first.wall_sec * 10 + 5);
  m_base_output = first.output;
  bool gbench = first.per_benchmark.size() > 0;
  m_output_policy = OutputPolicy{};
  m_output_policy.ignore_regex = m_o.bench_regex;
  if (m_o.compare_output == "no" || gbench) {
    m_output_policy.compare = false;
  } else {
    RunSample second = run_with(base_copy);
    bool stable = second.ok && outputs_match(first.output, second.output, m_output_policy);
    if (!stable && m_o.compare_output == "yes") {
      res.status = "failed";
      res.reason = "--compare-output yes, but the benchmark's output differs between two baseline runs";
      return res;
    }
    m_output_policy.compare = stable;
    if (!stable) {
      m_summary.notes.push_back(fmt::format(
          "{}: the benchmark output is not deterministic, so outputs are not compared (use --verify)",
          tu.source_rel));
    }
  }
  res.baseline = score_of(first, c);

  // The planner.
  std::string planner_status;
  std::unique_ptr<Planner> planner = m_factory(m_o.planner, &planner_status);
  if (!planner) {
    res.status = "failed";
    res.reason = "unknown planner " + m_o.planner;
    return res;
  }
  if (!planner_status.empty()) {
    m_progress.line(planner_status);
  }
  PlanningContext pctx;
  pctx.source_rel = tu.source_rel;
  pctx.language = c.language;
  pctx.family = m_compiler.family;
  pctx.compiler_version = m_compiler.version_text;
  pctx.hw_class = m_host.hw_class();
  pctx.objective = m_o.objective;
  pctx.space = m_space;
  pctx.baseline.opt_level = opt_level_of(args);
  pctx.hardware = m_host.to_json();
  pctx.seed = m_o.seed;
  pctx.budget = static_cast<size_t>(std::max(0, budget));
  if (auto src = fs::read_file(c.source)) {
    pctx.source_excerpt = src->substr(0, 6000);
  }
  if (auto winners = m_store.winners()) {
    for (const auto& w : *winners) {
      if (w.compiler_id == m_compiler.id && w.hw_class == m_host.hw_class() && w.source_rel == tu.source_rel) {
        pctx.prior_winners.insert(pctx.prior_winners.begin(), w.config);
      } else if (w.compiler_id == m_compiler.id && w.hw_class == m_host.hw_class() &&
                 pctx.prior_winners.size() < 5) {
        pctx.prior_winners.push_back(w.config);
      }
    }
  }
  std::vector<TrialOutcome> history;
  std::vector<Candidate> candidates;
  for (const auto& t : m_history[tu.tu_key]) {
    if (t.planner == "confirm") {
      continue;
    }
    TrialOutcome o{t.config, t.op, t.verdict, t.detail, t.speedup, t.speedup_low, t.speedup_high};
    history.push_back(o);
    if (t.verdict == "ok" && t.speedup) {
      candidates.push_back({t.config, *t.speedup, t.op, t.detail});
    }
  }
  planner->start(pctx, history);
  int done = static_cast<int>(history.size());
  res.trials = done;
  double best = 1;
  for (const auto& cand : candidates) {
    best = std::max(best, cand.speedup);
  }
  const double threshold = deterministic() ? m_o.min_gain / 10 : m_o.min_gain;
  const int pairs = deterministic() ? 1 : std::max(2, m_o.repeats);
  auto tu_started = Clock::now();
  std::map<std::string, TrialOutcome> measured_objects; // object hash -> outcome

  while (done < budget && !g_stop && !out_of_time()) {
    auto proposals = planner->propose(1);
    if (proposals.empty()) {
      m_progress.line(fmt::format("[{}] the planner has nothing more to propose", tu.source_rel));
      break;
    }
    Proposal p = proposals.front();
    ++done;
    ++res.trials;
    ++m_summary.trials;
    TrialOutcome out{p.config, p.op, "", "", std::nullopt, std::nullopt, std::nullopt};
    std::vector<double> cand_scores, base_scores;
    double compile_sec = 0;
    std::string object_hash;
    auto violations = check_config(p.config, m_compiler.family, m_policy);
    if (!violations.empty()) {
      out.verdict = "rejected";
      out.detail = describe_violations(violations);
    } else {
      BuildResult b = m_driver->rebuild(c, p.config);
      compile_sec = b.seconds;
      object_hash = b.object_hash;
      if (!b.ok) {
        out.verdict = "compile_error";
        out.detail = b.log.substr(0, 2000);
      } else if (b.object_hash == base_build.object_hash) {
        out.verdict = "identical";
        out.detail = "same object code as the baseline";
        out.speedup = out.speedup_low = out.speedup_high = 1.0;
      } else if (auto seen = measured_objects.find(b.object_hash); seen != measured_objects.end()) {
        // Same code as an earlier candidate: same program, same verdict; no need to run it again.
        out = seen->second;
        out.config = p.config;
        out.op = p.op;
        out.detail = "same object code as an earlier candidate";
      } else if (b.binary_hash == base_build.binary_hash) {
        res.status = "failed";
        res.reason = fmt::format("the TU's object changed but {} did not: the build command does not relink "
                                 "it (pass --build-cmd or --target)",
                                 m_binary);
        return res;
      } else if (Status s = install_binary(m_binary, cand_copy); !s) {
        out.verdict = "crash";
        out.detail = s.message();
      } else {
        bool verified = true;
        if (!m_o.verify.empty()) {
          VerifyResult v = run_verify(m_o.verify, m_bench.cwd, std::max(60.0, m_run_timeout * 10));
          if (!v.ok) {
            out.verdict = "verify_failed";
            out.detail = v.detail;
            verified = false;
          }
        }
        if (verified) {
          std::string verdict, detail;
          if (m_objective == Objective::Size) {
            RunSample s = run_with(cand_copy);
            if (!s.ok || (m_output_policy.compare && !outputs_match(m_base_output, s.output, m_output_policy))) {
              out.verdict = !s.ok ? "crash" : "mismatch";
              out.detail = !s.ok ? s.failure : first_difference(m_base_output, s.output, m_output_policy);
            } else {
              double size = score_of(s, c);
              cand_scores = {size};
              base_scores = {res.baseline};
              out.verdict = "ok";
            }
          } else if (measure_pairs(base_copy, cand_copy, pairs, base_scores, cand_scores, verdict, detail,
                                   /*race=*/true)) {
            out.verdict = "ok";
          } else {
            out.verdict = verdict.empty() ? "interrupted" : verdict;
            out.detail = detail;
          }
          if (out.verdict == "ok") {
            Comparison cmp = compare(base_scores, cand_scores, threshold, 0.95, m_o.seed + static_cast<uint64_t>(done));
            out.speedup = cmp.speedup;
            out.speedup_low = cmp.low;
            out.speedup_high = cmp.high;
            candidates.push_back({p.config, cmp.speedup, p.op, p.rationale});
            best = std::max(best, cmp.speedup);
          }
        }
      }
    }
    if (out.verdict != "ok" && out.verdict != "identical") {
      ++res.failed_trials;
    }
    if (!object_hash.empty() && (out.verdict == "ok" || out.verdict == "mismatch" || out.verdict == "crash" ||
                                 out.verdict == "verify_failed")) {
      measured_objects.emplace(object_hash, out);
    }
    std::vector<double> samples = cand_scores;
    record_trial(tu, p, out, samples, compile_sec, object_hash, planner->name());
    planner->observe(out);
    double elapsed = seconds_since(tu_started);
    double eta = done > 0 ? elapsed / done * (budget - done) : 0;
    m_progress.status(fmt::format("[{}] {} {}/{} {:<7} {:>7} best {:.3f}x  ETA {}  {}", tu.source_rel,
                                  bar(static_cast<double>(done) / budget), done, budget, out.verdict,
                                  out.speedup ? fmt::format("{:.3f}x", *out.speedup) : "-", best,
                                  format_duration(eta), p.config.display()));
    // Stop early when a TU shows nothing worth confirming after a fair look.
    int patience = std::max(8, budget * 2 / 3);
    if (done >= patience && best < 1 + 2 * threshold) {
      m_progress.line(fmt::format("[{}] no gain after {} trials; moving on", tu.source_rel, done));
      break;
    }
  }
  m_progress.clear();
  if (std::string report = planner->report(); !report.empty()) {
    m_summary.notes.push_back(tu.source_rel + ": " + report);
  }

  // Confirmation: fresh interleaved runs of the best few, so the reported gain is
  // not the lucky draw that made them look best.
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.speedup > b.speedup; });
  struct ConfirmedWin {
    Candidate cand;
    Comparison cmp;
    double best = 0;
  };
  std::vector<ConfirmedWin> wins;
  std::optional<Candidate> winner;
  Comparison winner_cmp;
  int confirmed = 0;
  for (const auto& cand : confirmation_list(candidates, deterministic() ? 1 : 3, threshold)) {
    if (g_stop.load() >= 2) {
      break;
    }
    ++confirmed;
    m_progress.status(fmt::format("[{}] confirming {} ({:.3f}x)...", tu.source_rel, cand.config.display(),
                                  cand.speedup));
    BuildResult b = m_driver->rebuild(c, cand.config);
    if (!b.ok || !install_binary(m_binary, cand_copy)) {
      continue;
    }
    std::vector<double> bs, cs;
    std::string verdict, detail;
    Comparison cmp;
    if (m_objective == Objective::Size) {
      auto size = object_code_size(c.output);
      bs = {res.baseline};
      cs = {size ? *size : res.baseline};
      cmp = compare(bs, cs, threshold);
    } else {
      int confirm_pairs = deterministic() ? 1 : std::max(7, m_o.repeats + 2);
      if (!measure_pairs(base_copy, cand_copy, confirm_pairs, bs, cs, verdict, detail)) {
        continue;
      }
      cmp = compare(bs, cs, threshold, 0.95, m_o.seed * 7919 + static_cast<uint64_t>(confirmed));
    }
    Proposal p{cand.config, "confirm", cand.rationale};
    TrialOutcome o{cand.config, "confirm", cmp.win ? "ok" : "not_confirmed", "", cmp.speedup, cmp.low, cmp.high};
    record_trial(tu, p, o, cs, b.seconds, b.object_hash, "confirm");
    if (cmp.win) {
      wins.push_back({cand, cmp, median(cs)});
    }
  }
  // Among confirmed wins that are statistically indistinguishable from the best
  // (their intervals overlap), keep the one with the fewest options: extra flags
  // that did not measurably help are only risk and noise for other machines.
  const ConfirmedWin* best_win = nullptr;
  for (const auto& w : wins) {
    if (!best_win || w.cmp.speedup > best_win->cmp.speedup) {
      best_win = &w;
    }
  }
  const ConfirmedWin* chosen = best_win;
  for (const auto& w : wins) {
    if (w.cmp.high >= best_win->cmp.low && w.cand.config.options.size() < chosen->cand.config.options.size()) {
      chosen = &w;
    }
  }
  if (chosen) {
    winner = chosen->cand;
    winner_cmp = chosen->cmp;
    res.best = chosen->best;
  }
  m_progress.clear();
  if (!winner) {
    res.status = g_stop ? "interrupted" : "no_gain";
    res.reason = candidates.empty() ? (res.failed_trials == 0 ? "every candidate compiled to the baseline's code"
                                                              : "no candidate both compiled and passed verification")
                                    : fmt::format("best candidate {:.3f}x was not confirmed as a real gain",
                                                  candidates.front().speedup);
    // Leave the TU as the user's build makes it.
    (void)m_driver->rebuild_with_winners({c});
    return res;
  }
  WinnerRecord w;
  w.tu_key = tu.tu_key;
  w.source_rel = tu.source_rel;
  w.source_base = fs::base_name(c.source);
  w.compiler_id = m_compiler.id;
  w.host_fp = m_host.fingerprint();
  w.hw_class = m_host.hw_class();
  w.objective = m_o.objective;
  w.config = winner->config;
  w.baseline = res.baseline;
  w.best = res.best;
  w.speedup = winner_cmp.speedup;
  w.speedup_low = winner_cmp.low;
  w.speedup_high = winner_cmp.high;
  w.session_id = m_summary.session_id;
  w.rationale = winner->rationale;
  if (Status s = m_store.put_winner(w); !s) {
    res.status = "failed";
    res.reason = "could not store the winner: " + s.message();
    return res;
  }
  res.status = "tuned";
  res.speedup = winner_cmp.speedup;
  res.speedup_low = winner_cmp.low;
  res.speedup_high = winner_cmp.high;
  res.config = winner->config.display();
  // From now on this TU is built with its winner, through the wrapper's lookup.
  BuildResult after = m_driver->rebuild_with_winners({c});
  if (!after.ok) {
    m_summary.notes.push_back(fmt::format("{}: rebuilding with the winner failed: {}", tu.source_rel, after.log));
  }
  return res;
}

Expected<TuneSummary> Session::run() {
  if (Status s = prepare(); !s) {
    return Error{s.message()};
  }
  if (Status s = select_tus(); !s) {
    return Error{s.message()};
  }
  if (Status s = setup_search_space(); !s) {
    return Error{s.message()};
  }
  // Budget: by share of the profile, at least a few trials each; leftovers roll over.
  double total_share = 0;
  for (const auto& t : m_tus) {
    total_share += t.share;
  }
  for (auto& t : m_tus) {
    t.budget = std::max(std::min(4, m_o.budget), static_cast<int>(std::round(m_o.budget * (total_share > 0 ? t.share / total_share : 1.0 / m_tus.size()))));
  }

  auto driver = BuildDriver::create(m_build_dir, m_program, m_o.build_cmd, m_o.target, "/tmp");
  if (!driver) {
    return Error{driver.error()};
  }
  if (m_o.dry_run) {
    m_summary.state = "dry-run";
    m_summary.notes.push_back("binary: " + m_binary);
    m_summary.notes.push_back("rebuild: " + driver->describe());
    m_summary.notes.push_back(fmt::format("compiler: {} (id {})", m_compiler.version_text, m_compiler.id));
    m_summary.notes.push_back(fmt::format("hardware: {} ({})", m_host.fingerprint(), m_host.hw_class()));
    m_summary.notes.push_back(fmt::format("search space: {} dimensions", m_space.size()));
    for (const auto& t : m_tus) {
      TuResult r;
      r.source_rel = t.source_rel;
      r.status = "planned";
      r.reason = fmt::format("{} trials ({:.1f}% of the profile)", t.budget, t.share * 100);
      m_summary.tus.push_back(r);
    }
    return m_summary;
  }

  // The session row: every trial is written as it happens, so it can resume.
  if (m_o.resume_session > 0) {
    m_summary.session_id = m_o.resume_session;
    auto session = m_store.session(m_o.resume_session);
    if (session && *session) {
      m_done_sources = (*session)->summary.value("done_sources", std::vector<std::string>{});
    }
    if (auto trials = m_store.trials(m_o.resume_session)) {
      for (auto& t : *trials) {
        m_history[t.tu_key].push_back(t);
      }
    }
  } else {
    auto id = m_store.create_session(m_build_dir, m_o.to_json());
    if (!id) {
      return Error{id.error()};
    }
    m_summary.session_id = *id;
  }
  m_work_dir = fmt::format("{}/sessions/{}", m_config.cache_dir(), m_summary.session_id);
  if (Status s = fs::make_dirs(m_work_dir); !s) {
    return Error{s.message()};
  }
  driver = BuildDriver::create(m_build_dir, m_program, m_o.build_cmd, m_o.target, m_work_dir);
  m_driver = std::move(*driver);
  m_progress.line(fmt::format("llmcc tune: session {}, {} TU(s), objective {}, budget {} trials, planner {}",
                              m_summary.session_id, m_tus.size(), m_o.objective, m_o.budget, m_o.planner));

  // The program as the user's flags build it: the reference for the final figure.
  std::vector<CapturedCommand> all;
  for (const auto& t : m_tus) {
    all.push_back(t.compile);
  }
  BuildResult plain = m_driver->rebuild_plain(all);
  if (!plain.ok) {
    save_state("failed");
    return Error{"the plain build of the program failed: " + plain.log};
  }
  std::string orig_copy = m_work_dir + "/orig.bin";
  if (Status s = install_binary(m_binary, orig_copy); !s) {
    return Error{s.message()};
  }
  save_state("running");

  int carry = 0;
  for (auto& t : m_tus) {
    if (g_stop || out_of_time()) {
      break;
    }
    if (std::find(m_done_sources.begin(), m_done_sources.end(), t.compile.source) != m_done_sources.end()) {
      continue;
    }
    int budget = std::min(t.budget + carry, m_o.budget - m_summary.trials);
    if (budget <= 0) {
      break;
    }
    TuResult r = tune_tu(t, budget);
    carry = std::max(0, budget - r.trials);
    m_progress.line(fmt::format("[{}] {}: {}", t.source_rel, r.status,
                                r.status == "tuned"
                                    ? fmt::format("{:.3f}x [{:.3f}, {:.3f}] with {}", r.speedup, r.speedup_low,
                                                  r.speedup_high, r.config)
                                    : r.reason));
    m_summary.tus.push_back(r);
    if (r.status != "interrupted") {
      m_done_sources.push_back(t.compile.source);
    }
    save_state("running");
  }

  // Leave the build directory built with the winners, through the normal wrapper path.
  BuildResult final_build = m_driver->rebuild_with_winners(all);
  if (!final_build.ok) {
    m_summary.notes.push_back("the final rebuild with the winners failed: " + final_build.log);
  } else if (!g_stop && !m_o.quiet) {
    bool any = std::any_of(m_summary.tus.begin(), m_summary.tus.end(),
                           [](const TuResult& r) { return r.status == "tuned"; });
    if (any) {
      m_progress.status("measuring the whole program against the plain build...");
      std::string final_copy = m_work_dir + "/final.bin";
      std::vector<double> bs, cs;
      std::string verdict, detail;
      if (install_binary(m_binary, final_copy) &&
          measure_pairs(orig_copy, final_copy, deterministic() ? 1 : std::max(5, m_o.repeats), bs,
                        cs, verdict, detail)) {
        Comparison cmp = compare(bs, cs, m_o.min_gain);
        m_summary.program_measured = m_objective != Objective::Size;
        m_summary.program_speedup = cmp.speedup;
        m_summary.program_low = cmp.low;
        m_summary.program_high = cmp.high;
      }
      (void)install_binary(final_copy, m_binary);
      m_progress.clear();
    }
  }
  m_summary.seconds = seconds_since(m_started);
  m_summary.state = g_stop ? "interrupted" : "done";
  save_state(m_summary.state);
  std::error_code ec;
  for (const char* f : {"/base.bin", "/cand.bin", "/orig.bin", "/final.bin", "/trial.json"}) {
    std::filesystem::remove(m_work_dir + f, ec);
  }
  return m_summary;
}

} // namespace

void request_tune_stop() { ++g_stop; }
bool tune_stop_requested() { return g_stop > 0; }

nlohmann::json TuneOptions::to_json() const {
  return {{"build_dir", build_dir},     {"bench", bench},
          {"bench_format", bench_format}, {"bench_regex", bench_regex},
          {"higher_is_better", higher_is_better}, {"verify", verify},
          {"compare_output", compare_output}, {"objective", objective},
          {"budget", budget},           {"time_limit_sec", time_limit_sec},
          {"tus", tus},                 {"target", target},
          {"binary", binary},           {"build_cmd", build_cmd},
          {"planner", planner},         {"seed", seed},
          {"repeats", repeats},         {"max_tus", max_tus},
          {"min_gain", min_gain},       {"allow_unsafe_math", allow_unsafe_math}};
}

TuneOptions TuneOptions::from_json(const nlohmann::json& j) {
  TuneOptions o;
  o.build_dir = j.value("build_dir", "");
  o.bench = j.value("bench", std::vector<std::string>{});
  o.bench_format = j.value("bench_format", "auto");
  o.bench_regex = j.value("bench_regex", "");
  o.higher_is_better = j.value("higher_is_better", false);
  o.verify = j.value("verify", std::vector<std::string>{});
  o.compare_output = j.value("compare_output", "auto");
  o.objective = j.value("objective", "time");
  o.budget = j.value("budget", 30);
  o.time_limit_sec = j.value("time_limit_sec", 0.0);
  o.tus = j.value("tus", std::vector<std::string>{});
  o.target = j.value("target", "");
  o.binary = j.value("binary", "");
  o.build_cmd = j.value("build_cmd", std::vector<std::string>{});
  o.planner = j.value("planner", "builtin");
  o.seed = j.value("seed", uint64_t{1});
  o.repeats = j.value("repeats", 5);
  o.max_tus = j.value("max_tus", 3);
  o.min_gain = j.value("min_gain", 0.01);
  o.allow_unsafe_math = j.value("allow_unsafe_math", false);
  return o;
}

nlohmann::json TuneSummary::to_json() const {
  nlohmann::json tus_json = nlohmann::json::array();
  for (const auto& t : tus) {
    tus_json.push_back({{"source", t.source_rel},
                        {"status", t.status},
                        {"reason", t.reason},
                        {"baseline", t.baseline},
                        {"best", t.best},
                        {"speedup", t.speedup},
                        {"speedup_low", t.speedup_low},
                        {"speedup_high", t.speedup_high},
                        {"config", t.config},
                        {"trials", t.trials},
                        {"failed_trials", t.failed_trials}});
  }
  nlohmann::json j = {{"session", session_id}, {"state", state},   {"objective", objective},
                      {"tus", tus_json},       {"trials", trials}, {"seconds", seconds},
                      {"notes", notes}};
  if (program_measured) {
    j["program"] = {{"speedup", program_speedup}, {"low", program_low}, {"high", program_high}};
  }
  return j;
}

Expected<TuneSummary> run_tune_session(const TuneOptions& options, const Config& config, Store& store,
                                       const PlannerFactory& make_planner) {
  Session s(options, config, store, make_planner);
  return s.run();
}

} // namespace llmcc
