#include "wrapper/args.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "util/fs.h"
#include "util/strings.h"

namespace llmcc {

namespace {

// Options whose value is the next argument (when not attached).
constexpr std::array kSeparateValueOptions = {
    "-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-idirafter", "-iquote",
    "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-MF", "-MT", "-MQ", "-x",
    "-Xclang", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-mllvm", "--param", "-L", "-l", "-T",
    "-u", "-z", "-target", "-aux-info", "-dumpbase", "-dumpdir", "-B", "-e", "-gcc-toolchain",
    "-F", "-arch", "-include-pch", "-iframework", "--sysroot", "-A", "-Xarch_host"};

// Options that take no separate value but are recognised by exact match.
constexpr std::array kExactOptions = {
    "-c", "-pipe", "-pthread", "-pthreads", "-ansi", "-w", "-P", "-C", "-CC", "-H", "-nostdinc",
    "-nostdinc++", "-undef", "-trigraphs", "-traditional", "-traditional-cpp", "-p", "-pg",
    "--coverage", "-shared", "-static", "-static-libgcc", "-static-libstdc++", "-rdynamic", "-s",
    "-nostdlib", "-nostartfiles", "-nodefaultlibs", "-no-pie", "-pie", "-static-pie", "-r",
    "-symbolic", "-time", "-dD", "-dI", "-dN", "-dU", "-Q", "-integrated-as", "-no-integrated-as",
    "-MD", "-MMD", "-MP", "-MG", "-pedantic", "-pedantic-errors", "-save-temps", "-Xassembler",
    "-fsyntax-only", "-E", "-S", "-M", "-MM", "-v", "-###", "--", "-rpath", "-pass-exit-codes",
    "-no-canonical-prefixes", "-nolibc", "-nopie", "-Qunused-arguments"};

// Option families recognised by prefix (attached values).
constexpr std::array kPrefixOptions = {
    "-f", "-m", "-W", "-O", "-g", "-D", "-U", "-I", "-std=", "-o", "-include", "-isystem",
    "-iquote", "-idirafter", "-isysroot", "-imacros", "-iprefix", "-iwithprefix", "--sysroot=",
    "-B", "-L", "-l", "-Wl,", "-Wa,", "-Wp,", "-MF", "-MT", "-MQ", "--param=", "-stdlib=",
    "-rtlib=", "-unwindlib=", "--target=", "-save-temps=", "-x", "-pedantic", "-specs=", "--std=",
    "-nostdlib", "-static-", "-dumpbase", "-dumpdir", "--gcc-toolchain=", "--rtlib=", "-print-",
    "--print-", "-fuse-ld=", "-e", "-u", "-T", "-z", "--ld-path=", "-no-canonical-prefixes",
    "--config", "-F", "-march=", "-mtune=", "-mcpu="};

// Probes build systems send to learn about the compiler; always passed through.
bool is_probe(const std::string& a) {
  static const std::array probes = {"--version", "-V", "-qversion", "-dumpversion",
                                    "-dumpfullversion", "-dumpmachine", "-dumpspecs", "-###",
                                    "--help", "-print-search-dirs", "-print-multiarch"};
  return std::find(probes.begin(), probes.end(), a) != probes.end() || starts_with(a, "-print-") ||
         starts_with(a, "--print-") || starts_with(a, "--help=");
}

std::string language_of(const std::string& path, bool is_cxx_driver) {
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  if (ext == ".c") {
    return is_cxx_driver ? "c++" : "c";
  }
  if (ext == ".cc" || ext == ".cpp" || ext == ".cxx" || ext == ".C" || ext == ".c++" || ext == ".cp" ||
      ext == ".CPP") {
    return "c++";
  }
  if (ext == ".i") {
    return "cpp-output";
  }
  if (ext == ".ii") {
    return "c++-cpp-output";
  }
  if (ext == ".s" || ext == ".S" || ext == ".sx" || ext == ".asm") {
    return "assembler";
  }
  if (ext == ".m" || ext == ".mm" || ext == ".M") {
    return "objective-c";
  }
  if (ext == ".cu" || ext == ".cuh") {
    return "cuda";
  }
  if (ext == ".f" || ext == ".f90" || ext == ".F90" || ext == ".F" || ext == ".for") {
    return "fortran";
  }
  if (ext == ".o" || ext == ".a" || ext == ".so" || ext == ".obj" || ext == ".lo" ||
      path.find(".so.") != std::string::npos) {
    return "object";
  }
  if (ext == ".h" || ext == ".hh" || ext == ".hpp" || ext == ".hxx") {
    return "header";
  }
  return "unknown";
}

} // namespace

Expected<std::vector<std::string>> expand_response_files(const std::vector<std::string>& args,
                                                         const std::string& cwd) {
  std::vector<std::string> out;
  int budget = 64; // nesting and count limit: a cycle must not hang the build
  std::vector<std::string> pending(args.rbegin(), args.rend());
  while (!pending.empty()) {
    std::string a = std::move(pending.back());
    pending.pop_back();
    if (a.size() < 2 || a[0] != '@') {
      out.push_back(std::move(a));
      continue;
    }
    if (--budget < 0) {
      return Error{"too many or recursive response files"};
    }
    auto text = fs::read_file(fs::absolute(a.substr(1), cwd));
    if (!text) {
      return Error{text.error()};
    }
    std::vector<std::string> words;
    std::string err;
    if (!split_shell_words(*text, words, &err)) {
      return Error{fmt::format("{}: {}", a.substr(1), err)};
    }
    for (auto it = words.rbegin(); it != words.rend(); ++it) {
      pending.push_back(*it);
    }
  }
  return out;
}

std::vector<std::string> args_for_source(const ClassifiedArgs& multi, size_t i) {
  std::vector<std::string> out;
  for (size_t k = 0; k < multi.args.size(); ++k) {
    bool other_source = std::find(multi.source_positions.begin(), multi.source_positions.end(), k) !=
                            multi.source_positions.end() &&
                        k != multi.source_positions[i];
    if (!other_source) {
      out.push_back(multi.args[k]);
    }
  }
  return out;
}

ClassifiedArgs classify_args(const std::vector<std::string>& raw_args, bool is_cxx_driver,
                             const std::string& cwd) {
  ClassifiedArgs r;
  auto pass = [&](std::string reason, std::string detail = {}) {
    r.kind = CommandKind::Passthrough;
    r.reason = std::move(reason);
    r.detail = std::move(detail);
    return r;
  };
  r.had_response_file =
      std::any_of(raw_args.begin(), raw_args.end(), [](const std::string& a) { return starts_with(a, "@"); });
  auto expanded = expand_response_files(raw_args, cwd);
  if (!expanded) {
    r.args = raw_args;
    return pass("bad_response_file", expanded.error().message);
  }
  r.args = *expanded;
  const auto& args = r.args;
  if (args.empty()) {
    return pass("no_input");
  }

  bool compile_only = false, preprocess = false, assembly = false, dep_only = false;
  bool syntax_only = false, after_dashdash = false;
  std::string x_lang;
  std::vector<std::pair<std::string, std::string>> sources; // path, language
  bool dep_target = false, x_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (after_dashdash || a == "-" || a.empty() || a[0] != '-') {
      if (a == "-") {
        return pass("stdin_input");
      }
      std::string lang = x_lang.empty() || x_lang == "none" ? language_of(a, is_cxx_driver) : x_lang;
      if (lang == "object" || lang == "unknown") {
        r.inputs.push_back(a);
      } else {
        sources.emplace_back(a, lang);
        r.source_positions.push_back(i);
        r.inputs.push_back(a);
      }
      continue;
    }
    if (a == "-MF" || a == "-MT" || a == "-MQ" || starts_with(a, "-MF") || starts_with(a, "-MT") ||
        starts_with(a, "-MQ")) {
      dep_target = true;
    }
    if (starts_with(a, "-x")) {
      x_given = true;
    }
    if (a == "--") {
      after_dashdash = true;
      continue;
    }
    if (is_probe(a)) {
      return pass("probe", a);
    }
    if (a == "-c") {
      compile_only = true;
    } else if (a == "-E") {
      preprocess = true;
    } else if (a == "-S") {
      assembly = true;
    } else if (a == "-M" || a == "-MM") {
      dep_only = true;
    } else if (a == "-fsyntax-only") {
      syntax_only = true;
    } else if (a == "-v" && args.size() == 1) {
      return pass("probe", a);
    }
    if (equals_any(kSeparateValueOptions, a)) {
      if (i + 1 >= args.size()) {
        return pass("bad_compiler_arguments", a + " without a value");
      }
      const std::string& v = args[++i];
      if (a == "-o") {
        r.output = v;
      } else if (a == "-x") {
        x_lang = v;
      } else if (a == "-l") {
        r.libraries.push_back("-l" + v);
      }
      continue;
    }
    if (starts_with(a, "-o") && a.size() > 2) {
      r.output = a.substr(2);
      continue;
    }
    if (starts_with(a, "-x") && a.size() > 2) {
      x_lang = a.substr(2);
      continue;
    }
    if (starts_with(a, "-l") && a.size() > 2) {
      r.libraries.push_back(a);
      continue;
    }
    if (equals_any(kExactOptions, a) || starts_with_any(kPrefixOptions, a)) {
      continue;
    }
    return pass("unknown_option", a);
  }

  if (preprocess) {
    return pass("preprocess");
  }
  if (dep_only) {
    return pass("dependency_only");
  }
  if (syntax_only) {
    return pass("syntax_only");
  }
  if (assembly) {
    return pass("assembly_output");
  }
  if (!compile_only) {
    if (r.inputs.empty()) {
      return pass("no_input");
    }
    r.kind = CommandKind::Link;
    if (r.output.empty()) {
      r.output = "a.out";
    }
    return r;
  }
  if (sources.empty()) {
    return pass("no_input");
  }
  if (sources.size() > 1) {
    // One -o, dependency-file names or a forced language would mean something
    // else for each source: leave those to the compiler.
    bool splittable = r.output.empty() && !dep_target && !x_given && !after_dashdash &&
                      r.inputs.size() == sources.size() &&
                      std::all_of(sources.begin(), sources.end(),
                                  [](const auto& s) { return s.second == "c" || s.second == "c++"; });
    if (!splittable) {
      return pass("multiple_sources", sources[1].first);
    }
    for (const auto& src : sources) {
      r.sources.push_back(src.first);
    }
    r.kind = CommandKind::MultiCompile;
    return r;
  }
  r.source_positions.clear();
  const auto& [src, lang] = sources.front();
  if (lang == "c" || (lang == "c++" || lang == "c++-header")) {
    r.language = lang;
  } else {
    return pass("unsupported_language", lang);
  }
  r.source = src;
  if (r.output.empty()) {
    std::string base = fs::base_name(src);
    auto dot = base.rfind('.');
    r.output = (dot == std::string::npos ? base : base.substr(0, dot)) + ".o";
  }
  r.kind = CommandKind::Compile;
  return r;
}

} // namespace llmcc
