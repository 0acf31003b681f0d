// Everything known about one compile that keys and lookups need, and the
// resolution of which configuration (if any) it gets. Shared by the wrapper
// and `llmcc show`, so what show prints is what the compile does.
#pragma once

#include "cache/records.h"
#include "flags/allow_list.h"
#include "hwdetect/host.h"
#include "wrapper/args.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

class Config;
class Store;

struct TuContext {
  std::string cwd;
  std::string compiler_path; // as it will be exec'd
  ClassifiedArgs args;       // kind == Compile
  CompilerIdentity compiler;
  hw::HostInfo host; // filled by resolve_config when a lookup needs it
  std::string source_abs;
  std::string output_abs;
  std::string project_root; // checkout root (base_dir)
  std::string source_rel;   // source relative to project_root (or its file name)
};

// base_dir from config, else the nearest ancestor of the source holding .git or
// .llmcc.conf, else the source's directory.
std::string find_project_root(const std::string& source_abs, const Config& config);

// The TU key: preprocessed text (checkout root stripped) + compiler identity +
// normalised base flags. Runs the preprocessor once.
Expected<std::string> compute_tu_key(const TuContext& tu);

struct Resolution {
  std::optional<TuneConfig> config; // what will be applied (validated), if any
  std::string how = "none";         // trial, baseline, exact, nearest, none
  std::optional<WinnerRecord> winner;
  std::string tu_key;               // empty if it was not needed
  std::vector<std::string> notes;   // why, step by step (for `llmcc show`)
  std::vector<Violation> violations; // a stored config that failed the allow-list
};

SafetyPolicy safety_policy(const Config& config);

// Decides the config for a compile. Cheap when nothing can match: one indexed
// query, no hardware detection, no preprocessing. `store` may be null (no
// database: no lookup). Detects the host into `tu.host` only when a winner for
// this source name exists.
Resolution resolve_config(Store* store, const Config& config, TuContext& tu, bool always_compute_key = false);

// The tuner's way to force a config for one TU: LLMCC_TRIAL_FILE names a JSON file
// {"entries":[{"source":"/abs/x.c","config":{...}|null}]} (null = plain compile).
// Returns nullopt if the file has no entry for this source.
std::optional<std::optional<TuneConfig>> trial_override(const std::string& source_abs,
                                                        std::string* error);
// Appends the source to "$LLMCC_TRIAL_FILE.seen".
void note_trial_seen(const std::string& source_abs);

} // namespace llmcc
