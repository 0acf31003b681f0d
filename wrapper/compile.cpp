#include "wrapper/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "cache/local/spool.h"
#include "cache/local/store.h"
#include "config/config.h"
#include "flags/apply.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/args.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/pipeline_route.h"
#include "wrapper/profile_flags.h"
#include "wrapper/remote_sync_trigger.h"
#include "wrapper/trial_file.h"
#include "wrapper/config_admission.h"
#include "wrapper/config_lookup.h"
#include "wrapper/tu_context.h"

namespace llmcc {

namespace {

constexpr int kMaxDepth = 4;

// Records what happened to this command; never blocks long, never fails the build.
class Recorder {
public:
  Recorder(Store* store, std::string spool_dir) : m_store(store), m_spool_dir(std::move(spool_dir)) {}
  void count(const std::string& name) { ++m_counters[name]; }
  void set_command(CapturedCommand c) { m_command = std::move(c); }
  void flush(bool capture) {
    std::optional<CapturedCommand> cmd = capture ? m_command : std::nullopt;
    if (m_store) {
      Status s = m_store->record(cmd, m_counters);
      if (s) {
        return;
      }
      log::debug("database busy or failing ({}), spooling the record", s.message());
    }
    m_counters["capture.spooled"] += 1;
    if (Status s = spool_record(m_spool_dir, cmd, m_counters); !s) {
      log::warn("could not record this command: {}", s.message());
    }
  }

private:
  Store* m_store;
  std::string m_spool_dir;
  std::map<std::string, int64_t> m_counters;
  std::optional<CapturedCommand> m_command;
};

// argv[0] stays what the user typed in launcher mode (gcc prints it back in
// -v/-### output); the path is the resolved real compiler.
std::string g_exec_path;

[[noreturn]] void exec_or_die(const std::vector<std::string>& argv) {
  Error e = exec_replace(g_exec_path.empty() ? argv[0] : g_exec_path, argv);
  log::error("{}", e.message);
  std::exit(127);
}

int run_and_wait(const std::vector<std::string>& argv) {
  ProcessOptions o;
  o.argv = argv;
  o.capture_stdout = false;
  o.capture_stderr = false;
  o.stdin_data = std::nullopt;
  auto r = run_process(o);
  if (!r) {
    log::error("{}", r.error().message);
    return 127;
  }
  return r->signal ? 128 + r->signal : r->exit_code;
}

// The plain command: in place of this process when nothing else is left to
// do, else as a child.
int run_plain(const std::vector<std::string>& argv, bool replace) {
  if (replace) {
    exec_or_die(argv);
  }
  return run_and_wait(argv);
}

struct CompileSetup {
  const Config& config;
  Store* store;
  std::string compiler; // the real compiler's path
  std::string cwd;
  bool capture;
};

// The PGO flags this compile gets, added by llmcc alone: a training build's
// instrumentation (trial file), or the profile a config names, from llmcc's
// state directory. A profile that cannot be used is dropped from `res.config`
// with a counter, and the TU builds without it.
std::vector<std::string> profile_flags_for(const CompileSetup& s, const TuContext& tu, Resolution& res,
                                           Recorder& recorder) {
  if (res.how == Resolution::How::Trial || res.how == Resolution::How::Baseline) {
    if (auto dir = trial_instrument_dir(tu.source_abs)) {
      return instrument_compile_flags(tu.compiler.family, *dir);
    }
  }
  if (!res.config || !res.config->uses_profile()) {
    return {};
  }
  ProfileUse use;
  if (!s.store || !is_profile_hash(res.config->pgo)) {
    use.reason = "no trained profile is named";
  } else {
    // A trial builds the source that was just trained; a winner's key must match.
    const std::string key = res.how == Resolution::How::Trial ? "" : res.tu_key;
    use = profile_use_flags(*s.store, s.config.cache_dir(), tu.compiler.family, res.config->pgo, tu.output_abs, key);
  }
  if (use.outcome == ProfileUse::Outcome::Applied) {
    recorder.count("pgo.applied");
    return use.flags;
  }
  log::warn("building {} without its PGO profile: {}", tu.source_rel, use.reason);
  recorder.count(use.outcome == ProfileUse::Outcome::Stale ? "pgo.profile_stale" : "pgo.profile_missing");
  res.config->pgo.clear();
  return {};
}

// One single-source compile: who compiles it, where, and with which config.
// `original` is its plain command; with `replace`, a plain compile replaces
// this process (no extra process on the miss path).
int compile_tu(const CompileSetup& s, const ClassifiedArgs& args, const std::vector<std::string>& original,
               bool replace) {
  Recorder recorder(s.store, s.config.cache_dir() + "/spool");
  TuContext tu = make_tu_context(s.cwd, s.compiler, args, s.config);
  CapturedCommand c;
  c.kind = "compile";
  c.cwd = s.cwd;
  c.argv = original;
  c.argv[0] = s.compiler;
  c.compiler = s.compiler;
  c.source = tu.source_abs;
  c.output = tu.output_abs;
  c.language = args.language;
  c.project_root = tu.project_root;
  recorder.set_command(std::move(c));

  Resolution res;
  auto identity = compiler_identity(s.compiler, s.store);
  if (!identity) {
    log::warn("{}; compiling without tuning", identity.error().message);
  } else {
    tu.compiler = *identity;
    res = resolve_config(s.store, s.config, tu);
  }
  // Nothing untrusted reaches the command line: the allow-list decides.
  if (auto violations = admit_config(res, tu, safety_policy(s.config)); !violations.empty()) {
    log::warn("ignoring the stored config for {}: {}", tu.source_rel, describe_violations(violations));
    recorder.count("fallback.config_rejected");
  }
  std::vector<std::string> profile_args = profile_flags_for(s, tu, res, recorder);
  if (!res.config && !profile_args.empty()) {
    res.config = TuneConfig{}; // an instrumented plain compile: the user's flags plus the profiling ones
  }
  if (!res.config) {
    recorder.count(res.how == Resolution::How::Baseline ? "compile.baseline" : "compile.plain");
    recorder.flush(s.capture);
    return run_plain(original, replace);
  }

  // Apply and run; if the tuned compile fails, the plain one decides.
  AppliedArgs applied = apply_config(args.args, *res.config, tu.compiler.family);
  for (const auto& d : applied.dropped) {
    log::debug("not applied: {}", d);
  }
  applied.args.insert(applied.args.end(), profile_args.begin(), profile_args.end());
  std::vector<std::string> tuned = {s.compiler};
  tuned.insert(tuned.end(), applied.args.begin(), applied.args.end());
  log::debug("{} config for {}: {}", to_string(res.how), tu.source_rel, res.config->display());
  recorder.count(res.how == Resolution::How::Trial      ? "compile.trial"
                 : res.how == Resolution::How::Baseline ? "compile.baseline"
                                                        : "compile.tuned");
  recorder.flush(s.capture);
  int rc = !res.config->pipeline.empty() && tu.compiler.family == CompilerFamily::Clang
               ? compile_with_pipeline(s.compiler, applied.args, args.source, args.output, res.config->pipeline)
               : run_and_wait(tuned);
  if (rc == 0 || res.how == Resolution::How::Trial || res.how == Resolution::How::Baseline) {
    // A failing trial must fail: the tuner records it as a compile error.
    return rc;
  }
  log::warn("the tuned compile of {} failed (exit {}); compiling with the original flags", tu.source_rel, rc);
  Recorder fallback(s.store, s.config.cache_dir() + "/spool");
  fallback.count("fallback.tuned_compile_failed");
  fallback.flush(false);
  return run_plain(original, replace);
}

} // namespace

int run_compiler(const Invocation& inv) {
  const std::string cwd = fs::current_dir();
  Config config = Config::load(cwd);

  // 1. The real compiler.
  auto resolved = resolve_real_compiler(inv, config);
  if (!resolved) {
    log::error("{}", resolved.error().message);
    return 127;
  }
  const std::string compiler = *resolved;
  g_exec_path = compiler;
  std::vector<std::string> original = {inv.launcher ? inv.compiler : compiler};
  original.insert(original.end(), inv.args.begin(), inv.args.end());

  // 2. Guard against a "real compiler" that leads back to llmcc.
  int depth = 0;
  if (const char* d = std::getenv("LLMCC_DEPTH")) {
    depth = std::atoi(d);
  }
  if (depth >= kMaxDepth) {
    log::error("recursive invocation: {} leads back to llmcc; set LLMCC_CC/LLMCC_CXX to the real compiler",
               compiler);
    return 127;
  }
  ::setenv("LLMCC_DEPTH", std::to_string(depth + 1).c_str(), 1);

  if (config.flag("disable")) {
    exec_or_die(original);
  }
  for (const auto& w : config.warnings()) {
    log::warn("{}", w);
  }

  // 3. What kind of command is this?
  ClassifiedArgs args = classify_args(inv.args, inv.is_cxx, cwd);

  // 4. The database. Any failure here means: warn, compile plainly.
  std::unique_ptr<Store> store;
  {
    auto opened = Store::open(config.db_path(), Database::Mode::ReadWrite, Store::kCompileBusyTimeoutMs);
    if (opened) {
      store = std::move(*opened);
    } else {
      log::warn("{}; compiling without the database", opened.error().message);
    }
  }
  // After the open: the pull never races this compile's creation of the database.
  maybe_start_remote_sync(config);
  Recorder recorder(store.get(), config.cache_dir() + "/spool");
  const bool capture = config.flag("capture");

  if (args.kind == CommandKind::Passthrough) {
    recorder.count("passthrough." + args.reason);
    recorder.flush(false);
    exec_or_die(original);
  }
  if (args.kind == CommandKind::Link) {
    CapturedCommand c;
    c.kind = "link";
    c.cwd = cwd;
    c.argv = original;
    c.argv[0] = compiler;
    c.compiler = compiler;
    c.output = fs::absolute(args.output, cwd);
    for (const auto& in : args.inputs) {
      c.inputs.push_back(fs::absolute(in, cwd));
    }
    for (const auto& lib : args.libraries) {
      c.inputs.push_back(lib);
    }
    recorder.set_command(std::move(c));
    recorder.count("link");
    recorder.flush(capture);
    // A PGO training build's program needs the profiling runtime.
    if (auto extra = instrument_link_flags(trial_instrument_link()); !extra.empty()) {
      std::vector<std::string> linked = original;
      linked.insert(linked.end(), extra.begin(), extra.end());
      exec_or_die(linked);
    }
    exec_or_die(original);
  }

  // 5. Several sources in one `-c` command (`cc -c a.c b.c`): one compile per
  // source, in order, as the compiler itself would run them, so each TU is
  // captured and gets its own config. Like gcc and clang, go on after a failure.
  const CompileSetup setup{config, store.get(), compiler, cwd, capture};
  if (args.kind == CommandKind::MultiCompile &&
      std::any_of(args.sources.begin(), args.sources.end(),
                  [&](const std::string& src) { return !fs::exists(fs::absolute(src, cwd)); })) {
    // clang refuses the whole command up front, gcc compiles the rest: only the
    // compiler itself says it exactly as it does.
    recorder.count("passthrough.multiple_sources");
    recorder.flush(false);
    exec_or_die(original);
  }
  if (args.kind == CommandKind::MultiCompile) {
    recorder.count("compile.split");
    recorder.flush(false);
    int rc = 0;
    for (size_t i = 0; i < args.sources.size(); ++i) {
      std::vector<std::string> one_args = args_for_source(args, i);
      ClassifiedArgs one = classify_args(one_args, inv.is_cxx, cwd);
      std::vector<std::string> one_original = {original[0]};
      one_original.insert(one_original.end(), one_args.begin(), one_args.end());
      rc = std::max(rc, one.kind == CommandKind::Compile ? compile_tu(setup, one, one_original, /*replace=*/false)
                                                         : run_plain(one_original, /*replace=*/false));
    }
    return rc;
  }
  return compile_tu(setup, args, original, /*replace=*/true);
}

} // namespace llmcc
