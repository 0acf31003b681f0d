#include "features/source_tu.h"

#include <fmt/format.h>

#include "util/fs.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/tu_key.h"

namespace llmcc {

Expected<SourceTu> source_tu(Store& store, const Config& config, const std::string& source) {
  std::string abs = fs::absolute(source, fs::current_dir());
  std::string real = fs::real_path(abs);
  auto compiles = store.compiles_of_source(abs);
  if ((!compiles || compiles->empty()) && !real.empty() && real != abs) {
    compiles = store.compiles_of_source(real);
  }
  if (!compiles || compiles->empty()) {
    return Error{fmt::format("no compile of {} was recorded; build once through llmcc (CC=llmcc CXX=llmcc++) first",
                             abs)};
  }
  SourceTu out;
  out.tu = make_tu_context(compiles->front(), config);
  auto id = compiler_identity(compiles->front().compiler, &store);
  if (!id) {
    return Error{id.error()};
  }
  out.tu.compiler = *id;
  auto key = compute_tu_key(out.tu);
  if (!key) {
    return Error{key.error()};
  }
  out.tu_key = *key;
  return out;
}

} // namespace llmcc
