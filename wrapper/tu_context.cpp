#include "wrapper/tu_context.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "cache/local/store.h"
#include "config/config.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {

std::string find_project_root(const std::string& source_abs, const Config& config) {
  if (std::string base = config.str("base_dir"); !base.empty()) {
    return fs::real_path(base).empty() ? base : fs::real_path(base);
  }
  std::string start = fs::dir_name(source_abs);
  for (std::string dir = start;;) {
    if (fs::exists(dir + "/.git") || fs::exists(dir + "/.llmcc.conf")) {
      return dir;
    }
    if (dir == "/" || dir.empty() || dir == ".") {
      break;
    }
    dir = fs::dir_name(dir);
  }
  return start;
}

Expected<std::string> compute_tu_key(const TuContext& tu) {
  ProcessOptions opts;
  opts.argv = {tu.compiler_path};
  for (const auto& a : preprocess_args(tu.args.args)) {
    opts.argv.push_back(a);
  }
  opts.cwd = tu.cwd;
  opts.timeout_sec = 300;
  // The wrapper must not see itself through a compiler that calls `cc` again.
  opts.env_set["LLMCC_DISABLE"] = "1";
  auto r = run_process(opts);
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{fmt::format("preprocessing {} failed ({})", tu.source_rel, r->describe())};
  }
  // Paths of the checkout (in __FILE__, #line-free output still has them) differ
  // between teammates; the code does not.
  std::string text = replace_all(std::move(r->out), tu.project_root, ".");
  Hasher h;
  h.field("llmcc-tu-key-v1").field(tu.compiler.id).field(tu.args.language);
  for (const auto& f : normalized_base_flags(tu.args.args, tu.args.source)) {
    h.field(replace_all(f, tu.project_root, "."));
  }
  h.field(text);
  return h.hex();
}

SafetyPolicy safety_policy(const Config& config) {
  SafetyPolicy p;
  p.allow_unsafe_math = config.flag("allow_unsafe_math");
  p.allow_errno_math = config.flag("allow_errno_math");
  return p;
}

std::optional<std::optional<TuneConfig>> trial_override(const std::string& source_abs,
                                                        std::string* error) {
  const char* file = std::getenv("LLMCC_TRIAL_FILE");
  if (!file || !*file) {
    return std::nullopt;
  }
  auto text = fs::read_file(file);
  if (!text) {
    *error = text.error().message;
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("entries") || !j["entries"].is_array()) {
    *error = fmt::format("{} is not a valid trial file", file);
    return std::nullopt;
  }
  for (const auto& e : j["entries"]) {
    if (!e.is_object() || e.value("source", "") != source_abs) {
      continue;
    }
    if (!e.contains("config") || e["config"].is_null()) {
      return std::optional<TuneConfig>();
    }
    auto c = TuneConfig::from_json(e["config"]);
    if (!c) {
      *error = c.error().message;
      return std::nullopt;
    }
    return std::optional<TuneConfig>(*c);
  }
  return std::nullopt;
}

void note_trial_seen(const std::string& source_abs) {
  const char* file = std::getenv("LLMCC_TRIAL_FILE");
  if (!file || !*file) {
    return;
  }
  // O_APPEND keeps concurrent lines whole; the tuner reads this to prove that
  // its rebuild really went through llmcc.
  int fd = ::open((std::string(file) + ".seen").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    std::string line = source_abs + "\n";
    ssize_t ignored = ::write(fd, line.data(), line.size());
    (void)ignored;
    ::close(fd);
  }
}

// -fno-math-errno only changes programs that read errno after a libm call; a TU
// whose own source never mentions errno cannot do that (see docs/design.md).
static void drop_errno_math_if_needed(TuneConfig& config, const TuContext& tu, Resolution& r) {
  auto it = std::find(config.options.begin(), config.options.end(), "-fno-math-errno");
  if (it == config.options.end()) {
    return;
  }
  auto text = fs::read_file(tu.source_abs);
  if (text && text->find("errno") == std::string::npos) {
    return;
  }
  config.options.erase(it);
  r.notes.push_back("dropped -fno-math-errno: the source mentions errno");
}

Resolution resolve_config(Store* store, const Config& config, TuContext& tu, bool always_compute_key) {
  Resolution r;
  const SafetyPolicy policy = safety_policy(config);
  auto accept = [&](TuneConfig c, std::string how) {
    r.violations = check_config(c, tu.compiler.family, policy);
    if (!r.violations.empty()) {
      r.notes.push_back("config rejected by the allow-list: " + describe_violations(r.violations));
      r.config.reset();
      r.how = "rejected";
      return;
    }
    drop_errno_math_if_needed(c, tu, r);
    r.config = std::move(c);
    r.how = std::move(how);
  };

  std::string trial_error;
  if (auto forced = trial_override(tu.source_abs, &trial_error)) {
    note_trial_seen(tu.source_abs);
    if (!*forced) {
      r.how = "baseline";
      r.notes.push_back("tuning session: plain compile (baseline)");
      return r;
    }
    r.notes.push_back("tuning session: trial config");
    accept(**forced, "trial");
    return r;
  }
  if (!trial_error.empty()) {
    r.notes.push_back("trial file ignored: " + trial_error);
  }
  if (!store) {
    r.notes.push_back("no database: plain compile");
    return r;
  }
  const std::string source_base = fs::base_name(tu.source_abs);
  auto any = store->has_winner_for_source(tu.compiler.id, source_base);
  if (!any) {
    r.notes.push_back("lookup failed: " + any.error().message);
    return r;
  }
  // CPUID and sysfs cost a fraction of a millisecond: only when a winner might apply.
  if ((*any || always_compute_key) && tu.host.arch.empty()) {
    tu.host = hw::detect_host();
  }
  auto candidate = *any ? store->has_candidate_winner(tu.compiler.id, tu.host.fingerprint(), tu.host.hw_class(),
                                                      source_base)
                        : Expected<bool>(false);
  if (!candidate) {
    r.notes.push_back("lookup failed: " + candidate.error().message);
    return r;
  }
  if (!*candidate && !always_compute_key) {
    r.notes.push_back(fmt::format("no winner for a source named {} with this compiler ({}) and hardware",
                                  source_base, tu.compiler.id));
    return r;
  }
  auto key = compute_tu_key(tu);
  if (!key) {
    r.notes.push_back("cannot compute the TU key: " + key.error().message);
    return r;
  }
  r.tu_key = *key;
  auto exact = store->find_winner_exact(*key, tu.compiler.id, tu.host.fingerprint());
  if (exact && *exact) {
    r.winner = **exact;
    r.notes.push_back(fmt::format("exact match: key {} on host {}", key->substr(0, 12), tu.host.fingerprint()));
    accept((*exact)->config, "exact");
    return r;
  }
  r.notes.push_back(fmt::format("no exact winner for key {}", key->substr(0, 12)));
  if (config.str("lookup") != "nearest") {
    r.notes.push_back("lookup = exact: no fallback");
    return r;
  }
  auto nearest = store->find_winner_nearest(tu.source_rel, tu.compiler.id, tu.host.hw_class());
  if (nearest && *nearest) {
    r.winner = **nearest;
    r.notes.push_back(fmt::format("nearest match: same source {} , compiler and hardware class {}",
                                  tu.source_rel, tu.host.hw_class()));
    accept((*nearest)->config, "nearest");
    return r;
  }
  r.notes.push_back(fmt::format("no winner for {} with this compiler and hardware class", tu.source_rel));
  return r;
}

} // namespace llmcc
