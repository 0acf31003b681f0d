// The trial file: how a tuning session forces a config onto chosen TUs while the
// user's own build tool rebuilds them. The tuner writes it and names it in
// LLMCC_TRIAL_FILE; each wrapper run reads it, and appends every source it
// compiled to "<file>.seen" so the tuner can prove the rebuild went through
// llmcc. Both sides use this one definition of the format:
//   {"entries":[{"source":"/abs/x.c","config":{...}|null}]}   (null = plain compile)
// A PGO training build adds "instrument":"<dir in llmcc's state directory>" to
// its entry and "instrument_link":"gcc"|"clang" at the top, so links through
// the wrapper get the profiling runtime.
#pragma once

#include "flags/compiler_family.h"
#include "flags/tune_config.h"
#include "util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

inline constexpr const char* kTrialFileEnv = "LLMCC_TRIAL_FILE";

struct TrialEntry {
  std::string source;               // absolute path, as captured
  std::optional<TuneConfig> config; // nullopt: the plain compile (baseline)
  std::string instrument_dir;       // PGO training: where the instrumented program writes its profile
  CompilerFamily instrument_family = CompilerFamily::Unknown;
};

// Tuner side.
std::string trial_file_text(const std::vector<TrialEntry>& entries);
std::string trial_seen_path(const std::string& trial_file);
// Whether the wrapper noted `source` in a ".seen" file's text.
bool trial_seen(const std::string& seen_text, const std::string& source);

// Wrapper side. The entry for this source in $LLMCC_TRIAL_FILE: nullopt when
// there is no trial file or no entry for the source (then `*error` says why if
// the file was unreadable or malformed); otherwise the forced config, itself
// nullopt for a plain compile.
std::optional<std::optional<TuneConfig>> trial_override(const std::string& source_abs, std::string* error);
// PGO training: the directory this source's instrumented build writes its
// profile to, if the trial file asks for one.
std::optional<std::string> trial_instrument_dir(const std::string& source_abs);
// The family whose profiling runtime a link needs (Unknown: none).
CompilerFamily trial_instrument_link();
// Appends the source to "$LLMCC_TRIAL_FILE.seen".
void note_trial_seen(const std::string& source_abs);

} // namespace llmcc
