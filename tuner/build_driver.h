// Rebuilding the program with one TU compiled under a trial config.
//
// The build tool does the work (ninja, make, cmake --build): the TU's object is
// removed and the tool rebuilds it, re-archives whatever static library holds it
// and relinks, exactly as the user's build would. The trial config reaches the
// compile through the wrapper (LLMCC_TRIAL_FILE). Without a build tool, the
// captured compile and link are replayed, which only works for objects linked
// directly (not through an archive).
#pragma once

#include "cache/records.h"
#include "flags/tune_config.h"
#include "tuner/program_map.h"
#include "util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

inline constexpr size_t kBuildOutputLimit = 64 * 1024;

struct BuildResult {
  bool ok = false;
  std::string log; // tail of the build output on failure
  // What a successful build printed (its warnings: gcc says a profile was not
  // found only as a warning), at most kBuildOutputLimit bytes.
  std::string output;
  double seconds = 0;
  std::string object_hash; // of the TU's object after the build
  std::string binary_hash; // of what the benchmark loads (binary, in-tree shared libraries)
};

class BuildDriver {
public:
  // `build_cmd` overrides detection (argv). `target` narrows cmake --build.
  static Expected<BuildDriver> create(const std::string& build_dir, const ProgramMap& program,
                                      const std::vector<std::string>& build_cmd, const std::string& target,
                                      const std::string& work_dir);

  // Rebuilds with `config` applied to `tu` (nullopt: the TU's plain flags).
  BuildResult rebuild(const CapturedCommand& tu, const std::optional<TuneConfig>& config);
  // PGO training: `tu` rebuilt with `config` and instrumented to write its
  // profile under `profile_dir`; the link gets the profiling runtime.
  BuildResult rebuild_instrumented(const CapturedCommand& tu, const std::optional<TuneConfig>& config,
                                   const std::string& profile_dir, CompilerFamily family);
  // Rebuilds all of `tus` with their plain flags (the session's starting point).
  BuildResult rebuild_plain(const std::vector<CapturedCommand>& tus);
  // Rebuilds all of `tus` with one config (a reference build such as -O3 -march=native).
  BuildResult rebuild_all_with(const std::vector<CapturedCommand>& tus, const TuneConfig& config);
  // Rebuilds the given TUs with no override: the wrapper applies the database's winners.
  BuildResult rebuild_with_winners(const std::vector<CapturedCommand>& tus);

  std::string describe() const; // "ninja -C build bench" / "replay"

private:
  BuildResult run_build(const std::vector<CapturedCommand>& tus, const std::string& trial_json,
                        const CapturedCommand* hashed_tu);
  std::string m_build_dir;
  std::vector<std::string> m_build_cmd; // empty: replay
  ProgramMap m_program;
  std::string m_work_dir;
  std::string m_llmcc; // the wrapper binary, for replay
  bool m_make_env = false; // plain make: pass CC/CXX=llmcc in the environment
};

std::string find_llmcc_binary();

} // namespace llmcc
