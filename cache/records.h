// The rows llmcc keeps, as plain structs shared by the wrapper, the tuner and the CLI.
#pragma once

#include "flags/compiler_family.h"
#include "flags/tune_config.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

// What happened to one tried config. Stored as text (to_string) in the trials
// table; everywhere else it is compared as this enum.
enum class Verdict {
  Ok,             // built, ran, output and tests matched; measured
  Identical,      // same object code as the baseline
  CompileError,
  Crash,
  Timeout,
  Mismatch,       // output differs from the baseline's
  VerifyFailed,   // --verify failed
  Rejected,       // refused by the allow-list before it was built
  BaselineFailed, // the baseline failed while measuring this candidate
  Interrupted,    // Ctrl-C before a measurement
  NotConfirmed,   // a confirmation run did not show the gain again
  // gcc refused the trained profile for this config (-Werror=coverage-mismatch:
  // its early-pass flags differ from the training build's) or did not find it
  // for some function or at all (-Wmissing-profile); never measured
  ProfileMismatch,
  // The objective's tool could not run this program: callgrind (valgrind 3.19)
  // does not decode AVX-512, which -march=native emits on such CPUs. Says
  // nothing about the code, which runs natively.
  Unmeasurable,
};
std::string_view to_string(Verdict v);
std::optional<Verdict> verdict_from_string(std::string_view s);
// Anything but a measured or identical program: the planners avoid its options
// and the session counts it as a failed trial.
bool is_failure(Verdict v);

// A tuning session's state, stored as text in the sessions table.
enum class SessionState { Running, Done, Interrupted, Failed, DryRun };
std::string_view to_string(SessionState s);
std::optional<SessionState> session_state_from_string(std::string_view s);

// One compile or link as the build ran it, so `llmcc tune` can replay or find it.
struct CapturedCommand {
  std::string kind; // "compile" or "link"
  std::string cwd;
  std::vector<std::string> argv; // argv[0] is the real compiler
  std::string compiler;          // real compiler path
  std::string source;            // compile: absolute source path
  std::string output;            // absolute output path
  std::string language;          // "c", "c++", ""
  std::vector<std::string> inputs; // link: absolute object/archive/library inputs
  std::string project_root;
  int64_t updated = 0;

  nlohmann::json to_json() const;
  static Expected<CapturedCommand> from_json(const nlohmann::json& j);
};

struct CompilerIdentity {
  std::string id; // hash of family, version, target and binary content
  std::string path; // canonical path of the real compiler
  long long mtime_ns = 0;
  long long size = 0;
  CompilerFamily family = CompilerFamily::Unknown;
  std::string version; // "12.2.0", "14.0.6"
  std::string target;  // "x86_64-linux-gnu"
  std::string binary_hash;
  std::string version_text; // first line of --version
};

struct WinnerRecord {
  int64_t id = 0;
  std::string tu_key;
  std::string source_rel;  // project-relative source path
  std::string source_base; // file name only (cheap pre-check on the compile path)
  std::string compiler_id;
  std::string host_fp;
  std::string hw_class;
  std::string objective = "time";
  TuneConfig config;
  double baseline = 0, best = 0;
  double speedup = 1, speedup_low = 1, speedup_high = 1;
  int64_t session_id = 0;
  std::string rationale;
  std::string origin = "local"; // local, bundle, remote
  std::string provenance;       // JSON: the bundle or store it came from (empty: tuned here)
  int64_t trials = 0;           // trials behind it where it was tuned (0: not recorded)
  int64_t created = 0;

  nlohmann::json to_json() const;
  static Expected<WinnerRecord> from_json(const nlohmann::json& j);
};

// A trained profile in llmcc's state directory, content-addressed: the file is
// <dir>/profiles/<hash><ext>, and `hash` is what a config's `pgo` names.
struct ProfileRecord {
  std::string hash;     // xxh3-128 of the file's bytes
  std::string tu_key;   // the TU it was trained for: another key means a stale profile
  std::string bench_id; // the training run's identity (command and directory)
  std::string family;   // "gcc" (.gcda) or "clang" (.profdata)
  std::string path;     // where the file is, inside llmcc's state directory
  int64_t size = 0;
  int64_t created = 0;
};

int64_t now_unix();

} // namespace llmcc
