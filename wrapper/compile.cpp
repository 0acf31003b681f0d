#include "wrapper/compile.h"

#include <fmt/format.h>

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

std::string abs_path(const std::string& p, const std::string& cwd) { return fs::absolute(p, cwd); }

} // namespace

int run_compiler(const Invocation& inv) {
  const std::string cwd = fs::current_dir();
  Config config = Config::load(cwd);

  // 1. The real compiler.
  std::string compiler;
  if (inv.launcher) {
    compiler = resolve_program(inv.compiler);
    if (compiler.empty()) {
      log::error("compiler '{}' not found in PATH", inv.compiler);
      return 127;
    }
  } else {
    auto found = find_real_compiler(inv.invoked_as, inv.is_cxx, config);
    if (!found) {
      log::error("{}", found.error().message);
      return 127;
    }
    compiler = *found;
  }
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
    c.output = abs_path(args.output, cwd);
    for (const auto& in : args.inputs) {
      c.inputs.push_back(abs_path(in, cwd));
    }
    for (const auto& lib : args.libraries) {
      c.inputs.push_back(lib);
    }
    recorder.set_command(std::move(c));
    recorder.count("link");
    recorder.flush(capture);
    exec_or_die(original);
  }

  // 5. A single-source compile: who compiles it, where, and with which config.
  TuContext tu;
  tu.cwd = cwd;
  tu.compiler_path = compiler;
  tu.args = args;
  tu.source_abs = abs_path(args.source, cwd);
  tu.output_abs = abs_path(args.output, cwd);
  tu.project_root = find_project_root(tu.source_abs, config);
  tu.source_rel = fs::relative_to(tu.source_abs, tu.project_root).value_or(fs::base_name(tu.source_abs));

  CapturedCommand c;
  c.kind = "compile";
  c.cwd = cwd;
  c.argv = original;
  c.argv[0] = compiler;
  c.compiler = compiler;
  c.source = tu.source_abs;
  c.output = tu.output_abs;
  c.language = args.language;
  c.project_root = tu.project_root;
  recorder.set_command(std::move(c));

  Resolution res;
  auto identity = compiler_identity(compiler, store.get());
  if (!identity) {
    log::warn("{}; compiling without tuning", identity.error().message);
  } else {
    tu.compiler = *identity;
    res = resolve_config(store.get(), config, tu);
  }
  if (!res.violations.empty()) {
    log::warn("ignoring the stored config for {}: {}", tu.source_rel, describe_violations(res.violations));
    recorder.count("fallback.config_rejected");
  }
  if (!res.config) {
    recorder.count(res.how == "baseline" ? "compile.baseline" : "compile.plain");
    recorder.flush(capture);
    exec_or_die(original);
  }

  // 6. Apply and run; if the tuned compile fails, the plain one decides.
  AppliedArgs applied = apply_config(args.args, *res.config, tu.compiler.family);
  for (const auto& d : applied.dropped) {
    log::debug("not applied: {}", d);
  }
  std::vector<std::string> tuned = {compiler};
  tuned.insert(tuned.end(), applied.args.begin(), applied.args.end());
  log::debug("{} config for {}: {}", res.how, tu.source_rel, res.config->display());
  recorder.count(res.how == "trial" ? "compile.trial" : "compile.tuned");
  recorder.flush(capture);
  int rc = !res.config->pipeline.empty() && tu.compiler.family == CompilerFamily::Clang
               ? compile_with_pipeline(compiler, applied.args, args.source, args.output, res.config->pipeline)
               : run_and_wait(tuned);
  if (rc == 0 || res.how == "trial") {
    // A failing trial must fail: the tuner records it as a compile error.
    return rc;
  }
  log::warn("the tuned compile of {} failed (exit {}); compiling with the original flags",
            tu.source_rel, rc);
  Recorder fallback(store.get(), config.cache_dir() + "/spool");
  fallback.count("fallback.tuned_compile_failed");
  fallback.flush(false);
  exec_or_die(original);
}

} // namespace llmcc
