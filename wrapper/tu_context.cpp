#include "wrapper/tu_context.h"

#include "config/config.h"
#include "util/fs.h"
#include "util/strings.h"

#include <array>
#include <string_view>

namespace llmcc {

std::vector<std::string> prefix_map_roots(const std::vector<std::string>& args, const std::string& cwd) {
  static const std::array kMaps = {"-ffile-prefix-map=", "-fdebug-prefix-map=", "-fmacro-prefix-map="};
  std::vector<std::string> out;
  for (const auto& a : args) {
    for (std::string_view m : kMaps) {
      if (!starts_with(a, m)) {
        continue;
      }
      std::string_view value = std::string_view(a).substr(m.size());
      std::string old(value.substr(0, value.find('=')));
      // "/" or "." would make every path, or only the build directory, a root.
      if (old.empty() || old == "/" || old == ".") {
        continue;
      }
      // As given (sources are matched as given) and with links resolved.
      std::string abs = fs::absolute(old, cwd);
      out.push_back(abs);
      if (std::string real = fs::real_path(abs); !real.empty() && real != abs) {
        out.push_back(real);
      }
    }
  }
  return out;
}

std::string find_project_root(const std::string& source_abs, const Config& config,
                              const std::vector<std::string>& declared_roots) {
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
  std::string outermost;
  for (const auto& root : declared_roots) {
    if (starts_with(source_abs, root + "/") && (outermost.empty() || root.size() < outermost.size())) {
      outermost = root;
    }
  }
  return outermost.empty() ? start : outermost;
}

ProjectPath project_path(const std::string& source_abs, const std::vector<std::string>& args, const std::string& cwd,
                         const Config& config) {
  ProjectPath p;
  p.root = find_project_root(source_abs, config, prefix_map_roots(args, cwd));
  p.rel = fs::relative_to(source_abs, p.root).value_or(fs::base_name(source_abs));
  return p;
}

TuContext make_tu_context(const std::string& cwd, const std::string& compiler_path, ClassifiedArgs args,
                          const Config& config) {
  TuContext tu;
  tu.cwd = cwd;
  tu.compiler_path = compiler_path;
  tu.source_abs = fs::absolute(args.source, cwd);
  tu.output_abs = fs::absolute(args.output, cwd);
  tu.args = std::move(args);
  ProjectPath where = project_path(tu.source_abs, tu.args.args, cwd, config);
  tu.project_root = std::move(where.root);
  tu.source_rel = std::move(where.rel);
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
