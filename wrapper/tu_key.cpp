#include "wrapper/tu_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "util/hash.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/tu_context.h"

namespace llmcc {

std::vector<std::string> normalized_base_flags(const std::vector<std::string>& args,
                                               const std::string& source) {
  static const std::array drop_with_value = {"-o", "-MF", "-MT", "-MQ", "-I", "-D", "-U", "-include",
                                             "-imacros", "-isystem", "-idirafter", "-iquote",
                                             "-iprefix", "-iwithprefix", "-iwithprefixbefore"};
  static const std::array drop_exact = {"-c", "-MD", "-MMD", "-MP", "-MG", "-pipe", "-v", "-H",
                                        "-save-temps", "-pedantic", "-pedantic-errors", "-w"};
  static const std::array drop_prefix = {"-o", "-MF", "-MT", "-MQ", "-I", "-D", "-U", "-O", "-W",
                                         "-g", "-fdiagnostics-", "-fcolor-diagnostics",
                                         "-fno-color-diagnostics", "-fmessage-length",
                                         "-isystem", "-iquote", "-idirafter", "-include", "-imacros",
                                         "-frandom-seed", "-save-temps="};
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == source) {
      continue;
    }
    if (equals_any(drop_with_value, a)) {
      ++i;
      continue;
    }
    if (equals_any(drop_exact, a) || starts_with_any(drop_prefix, a)) {
      continue;
    }
    out.push_back(a);
  }
  return out;
}

std::vector<std::string> preprocess_args(const std::vector<std::string>& args) {
  static const std::array drop_with_value = {"-o", "-MF", "-MT", "-MQ"};
  static const std::array drop_exact = {"-c", "-MD", "-MMD", "-MP", "-MG", "-save-temps"};
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (equals_any(drop_with_value, a)) {
      ++i;
      continue;
    }
    if (equals_any(drop_exact, a) || (starts_with(a, "-o") && a.size() > 2) || starts_with(a, "-MF") ||
        starts_with(a, "-MT") || starts_with(a, "-MQ") || starts_with(a, "-save-temps=")) {
      continue;
    }
    if (starts_with(a, "-Wp,") && (a.find("-MD") != std::string::npos || a.find("-MMD") != std::string::npos)) {
      continue;
    }
    out.push_back(a);
  }
  out.push_back("-E");
  out.push_back("-P");
  return out;
}

Expected<std::string> compute_tu_key(const TuContext& tu) {
  ProcessOptions opts;
  opts.argv = {tu.compiler_path};
  for (const auto& a : preprocess_args(tu.args.args)) {
    opts.argv.push_back(a);
  }
  opts.cwd = tu.cwd;
  opts.timeout_sec = 300;
  // The wrapper must not see itself through a compiler that calls `cc` again (emplace, as
  // gcc 12 gives a false -Wrestrict on assigning a string literal).
  opts.env_set.emplace("LLMCC_DISABLE", "1");
  auto r = run_process(opts);
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{fmt::format("preprocessing {} failed ({})", tu.source_rel, r->describe())};
  }
  // Paths of the checkout (in __FILE__, #line-free output still has them) differ
  // between teammates; the code does not.
  std::string text = replace_all(std::move(r->out), tu.project_root, ".");
  Hasher h;
  h.field("llmcc-tu-key-v1").field(tu.compiler.id).field(tu.args.language);
  for (const auto& f : normalized_base_flags(tu.args.args, tu.args.source)) {
    h.field(replace_all(f, tu.project_root, "."));
  }
  h.field(text);
  return h.hex();
}

} // namespace llmcc
