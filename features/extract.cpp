#include "features/extract.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <initializer_list>

#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/tu_key.h"

namespace llmcc {

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/llmcc-features-XXXXXX";
    if (::mkdtemp(tmpl)) {
      path = tmpl;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

Expected<ProcessResult> run_in(const std::string& cwd, std::vector<std::string> argv) {
  ProcessOptions opts;
  opts.argv = std::move(argv);
  opts.cwd = cwd;
  opts.timeout_sec = 300;
  opts.env_set["LLMCC_DISABLE"] = "1"; // a compiler script that calls cc must not reach llmcc
  return run_process(opts);
}

std::string first_error_line(const ProcessResult& r) {
  for (const auto& line : split(r.err, '\n')) {
    if (line.find("error") != std::string::npos) {
      return one_line(line, 200);
    }
  }
  return r.describe();
}

bool any_file(const std::string& path, const void*) { return fs::is_executable_file(path); }

std::string other_compiler(std::initializer_list<const char*> names) {
  for (const char* n : names) {
    std::string p = fs::find_in_path(n, any_file, nullptr);
    if (!p.empty()) {
      return p;
    }
  }
  return {};
}

Expected<TuFeatures> parse(const std::string& text, const std::string& what) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return Error{what + " wrote no JSON"};
  }
  return TuFeatures::from_json(j);
}

// The plugin is tied to the GCC build it was compiled against; a gcc of another
// version or target would refuse it with a failed compile, so ask first.
Expected<TuFeatures> run_gcc_plugin(const TuContext& tu, const std::string& gcc, const ExtractorTools& tools) {
  if (!fs::exists(tools.plugin())) {
    return Error{fmt::format("the GCC feature plugin is not installed ({})", tools.plugin())};
  }
  auto stamp = fs::read_file(tools.plugin_stamp());
  auto version = run_in(tu.cwd, {gcc, "-dumpfullversion"});
  auto target = run_in(tu.cwd, {gcc, "-dumpmachine"});
  if (!stamp || !version || !target || !version->success() || !target->success()) {
    return Error{fmt::format("cannot tell which GCC {} is; the feature plugin is skipped", gcc)};
  }
  std::string want = trim(*stamp), have = trim(version->out) + " " + trim(target->out);
  if (want != have) {
    return Error{fmt::format("the GCC feature plugin was built for gcc {}, not for {} ({}); skipped", want, gcc,
                             have)};
  }
  TempDir tmp;
  const std::string out = tmp.path + "/features.json";
  std::vector<std::string> argv = {gcc};
  for (auto& a : extraction_args(tu.args.args)) {
    argv.push_back(std::move(a));
  }
  argv.insert(argv.end(), {"-O1", "-fplugin=" + tools.plugin(), "-fplugin-arg-llmcc_features-out=" + out, "-S",
                           "-o", "/dev/null"});
  auto r = run_in(tu.cwd, argv);
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{fmt::format("the GCC feature plugin failed on {}: {}", tu.source_rel, first_error_line(*r))};
  }
  auto text = fs::read_file(out);
  if (!text) {
    return Error{"the GCC feature plugin wrote nothing"};
  }
  return parse(*text, "the GCC feature plugin");
}

Expected<std::string> clang_bitcode(const TuContext& tu, const std::string& clang, const std::string& bc) {
  std::vector<std::string> argv = {clang};
  for (auto& a : extraction_args(tu.args.args)) {
    argv.push_back(std::move(a));
  }
  // -ffp-contract=off: no fused multiply-adds, so a*b+c is two operations as in GIMPLE.
  argv.insert(argv.end(), {"-O1", "-Xclang", "-disable-llvm-passes", "-ffp-contract=off", "-emit-llvm", "-c", "-o",
                           bc});
  auto r = run_in(tu.cwd, argv);
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{fmt::format("{} could not emit bitcode for {}: {}", clang, tu.source_rel, first_error_line(*r))};
  }
  return bc;
}

Expected<TuFeatures> run_llvm(const TuContext& tu, const std::string& clang, const ExtractorTools& tools) {
  if (!fs::is_executable_file(tools.llvm_helper())) {
    return Error{fmt::format("the LLVM feature analyser is not installed ({})", tools.llvm_helper())};
  }
  TempDir tmp;
  auto bc = clang_bitcode(tu, clang, tmp.path + "/tu.bc");
  if (!bc) {
    return Error{bc.error()};
  }
  auto r = run_in(tu.cwd, {tools.llvm_helper(), *bc});
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{fmt::format("the LLVM feature analyser failed on {}: {}", tu.source_rel, one_line(r->err, 200))};
  }
  return parse(r->out, "the LLVM feature analyser");
}

} // namespace

ExtractorTools ExtractorTools::beside_self() {
  if (const char* d = std::getenv("LLMCC_FEATURES_DIR"); d && *d) {
    return {d};
  }
  return {fs::dir_name(fs::self_exe())};
}

std::vector<std::string> extraction_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (auto& a : preprocess_args(args)) {
    if (a == "-E" || a == "-P" || starts_with(a, "-O") || starts_with(a, "-g") || starts_with(a, "-flto") ||
        starts_with(a, "-fprofile") || starts_with(a, "-fplugin")) {
      continue;
    }
    out.push_back(a);
  }
  return out;
}

Extraction extract_features(const TuContext& tu, const ExtractorTools& tools) {
  Extraction ex;
  const bool gcc = tu.compiler.family == CompilerFamily::Gcc;
  // The TU's own compiler first; the other family's extractor on the same
  // source is a fall-back (its counts are marked with their extractor).
  const std::string own = tu.compiler_path;
  const std::string other = gcc ? other_compiler({"clang", "clang-14"}) : other_compiler({"gcc", "gcc-12"});
  auto first = gcc ? run_gcc_plugin(tu, own, tools) : run_llvm(tu, own, tools);
  if (first) {
    ex.features = std::move(*first);
    return ex;
  }
  ex.notes.push_back(first.error().message);
  if (other.empty()) {
    ex.notes.push_back(fmt::format("no {} to fall back on: no features for {}", gcc ? "clang" : "gcc", tu.source_rel));
    return ex;
  }
  auto second = gcc ? run_llvm(tu, other, tools) : run_gcc_plugin(tu, other, tools);
  if (second) {
    ex.features = std::move(*second);
    ex.notes.push_back(fmt::format("features of {} come from {} instead", tu.source_rel, to_string(ex.features->extractor)));
  } else {
    ex.notes.push_back(second.error().message);
    ex.notes.push_back(fmt::format("no features for {}", tu.source_rel));
  }
  return ex;
}

Expected<long> ir_instructions_after(const TuContext& tu, const ExtractorTools& tools, const std::string& pipeline) {
  if (tu.compiler.family != CompilerFamily::Clang) {
    return Error{"IR instruction counts need clang"};
  }
  TempDir tmp;
  auto bc = clang_bitcode(tu, tu.compiler_path, tmp.path + "/tu.bc");
  if (!bc) {
    return Error{bc.error()};
  }
  auto r = run_in(tu.cwd, {tools.llvm_helper(), *bc, "--pipeline", pipeline});
  if (!r) {
    return Error{r.error()};
  }
  if (!r->success()) {
    return Error{one_line(r->err, 200)};
  }
  auto j = nlohmann::json::parse(r->out, nullptr, false);
  if (!j.is_object() || !j.contains("instructions") || !j["instructions"].is_number_integer()) {
    return Error{"the LLVM feature analyser gave no instruction count"};
  }
  return j["instructions"].get<long>();
}

} // namespace llmcc
