#include "tuner/compiler_space.h"

#include <fmt/format.h>

#include "cache/local/store.h"
#include "tuner/flag_probe.h"
#include "tuner/progress.h"
#include "util/hash.h"
#include "util/strings.h"

namespace llmcc {

SearchSpace probed_search_space(Store& store, const CompilerIdentity& compiler, const SafetyPolicy& policy,
                                Progress& progress, std::vector<std::string>& notes) {
  SearchSpace full = SearchSpace::build(compiler.family, policy);
  std::vector<std::string> names;
  for (const auto& d : full.dims()) {
    if (d.name != "-O" && d.name != "-march") {
      names.push_back(d.name);
    }
  }
  std::string key = "probe:" + compiler.id + ":" + hash_hex(join(names, "\n")).substr(0, 16);
  std::vector<std::string> accepted;
  if (auto cached = store.probed_options(key); cached && *cached) {
    accepted = **cached;
  } else {
    progress.line(fmt::format("probing {} options with {}...", names.size(), compiler.version_text));
    accepted = probe_options(compiler.path, compiler.family, names);
    (void)store.put_probed_options(key, accepted);
  }
  accepted.push_back("-O");
  accepted.push_back("-march");
  SearchSpace space = SearchSpace::build(compiler.family, policy, &accepted);
  if (accepted.size() - 2 < names.size()) {
    notes.push_back(fmt::format("{} of {} options are not accepted by this compiler and were dropped",
                                names.size() + 2 - accepted.size(), names.size()));
  }
  return space;
}

} // namespace llmcc
