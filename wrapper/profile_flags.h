// The PGO flags of a compile. Only llmcc adds them, from its own state
// directory: a config carries at most a profile's content hash (its `pgo`),
// never a path, and the allow-list keeps refusing -fprofile-* options.
#pragma once

#include "flags/compiler_family.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

class Store;

// Training build: the instrumented compile writes its profile under `dir`.
std::vector<std::string> instrument_compile_flags(CompilerFamily family, const std::string& dir);
// The link of an instrumented program: the profiling runtime.
std::vector<std::string> instrument_link_flags(CompilerFamily family);
// The environment of the training run. The profiling runtimes obey variables a
// user may have set for their own profiling (LLVM_PROFILE_FILE beats the path
// compiled in; GCOV_PREFIX moves .gcda files): overridden, so that training
// writes only under `dir`, and a user's own profile files are left alone.
std::map<std::string, std::string> instrument_run_env(CompilerFamily family, const std::string& dir);

struct ProfileUse {
  enum class Outcome { Applied, Missing, Stale };
  Outcome outcome = Outcome::Missing;
  std::vector<std::string> flags; // when Applied
  std::string reason;             // when not
};

// The flags that use profile `hash` for the compile writing `output_abs`.
// `tu_key` is the key the lookup computed ("" for a tuning trial, which builds
// the very source that was trained): a profile trained for another key is
// stale (the source changed), and is not used. For gcc the .gcda is laid out
// under the name gcc derives from the object path, inside the state directory.
ProfileUse profile_use_flags(Store& store, const std::string& cache_dir, CompilerFamily family,
                             const std::string& hash, const std::string& output_abs, const std::string& tu_key);

} // namespace llmcc
