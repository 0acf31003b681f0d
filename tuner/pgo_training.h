// PGO training: the hot TU built instrumented, the user's benchmark run once as
// the training run, the profile merged (clang: llvm-profdata merge --sparse;
// gcc: the TU's .gcda) and kept content-addressed in llmcc's state directory,
// keyed by TU key and benchmark identity (cache/profile_files.h). Nothing is
// written to the user's source or build tree: the instrumented program writes
// under <state>/profiles/train/, which is removed afterwards.
#pragma once

#include "cache/records.h"
#include "flags/tune_config.h"
#include "util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

class AbMeasure;
class BuildDriver;
class Store;

// The clang profile merger for this compiler: llvm-profdata-<major>, then
// llvm-profdata, in PATH. "" when there is none.
std::string find_llvm_profdata(const CompilerIdentity& compiler);

// Why PGO cannot run with this compiler ("" when it can). `*profdata` gets the
// merger's path for clang.
std::string pgo_unavailable(const CompilerIdentity& compiler, std::string* profdata);

// The benchmark's identity for profile keys: its command and directory.
std::string bench_identity(const std::vector<std::string>& argv, const std::string& cwd);

struct TrainingSetup {
  BuildDriver* driver = nullptr;
  const AbMeasure* measure = nullptr;
  Store* store = nullptr;
  CapturedCommand compile; // the hot TU
  std::string tu_key;
  std::string bench_id;
  CompilerIdentity compiler;
  std::string profdata; // clang's merger
  std::string cache_dir;
  std::vector<std::string> program_files;
  std::string copy; // where the instrumented program is kept for its run
};

// Trains one profile for the TU built with `config` (nullopt: its own flags).
Expected<ProfileRecord> train_profile(const TrainingSetup& setup, const std::optional<TuneConfig>& config);

} // namespace llmcc
