#include "wrapper/tu_context.h"

#include "config/config.h"
#include "util/fs.h"

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

TuContext make_tu_context(const std::string& cwd, const std::string& compiler_path, ClassifiedArgs args,
                          const Config& config) {
  TuContext tu;
  tu.cwd = cwd;
  tu.compiler_path = compiler_path;
  tu.source_abs = fs::absolute(args.source, cwd);
  tu.output_abs = fs::absolute(args.output, cwd);
  tu.args = std::move(args);
  tu.project_root = find_project_root(tu.source_abs, config);
  tu.source_rel = fs::relative_to(tu.source_abs, tu.project_root).value_or(fs::base_name(tu.source_abs));
  return tu;
}

TuContext make_tu_context(const CapturedCommand& compile, const Config& config) {
  std::vector<std::string> args(compile.argv.begin() + 1, compile.argv.end());
  // The wrapper recorded exactly these: the same classification gives the same
  // absolute source and output, so the key the tuner stores is the compile's.
  return make_tu_context(compile.cwd, compile.compiler, classify_args(args, compile.language == "c++", compile.cwd),
                         config);
}

} // namespace llmcc
