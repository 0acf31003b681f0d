#include "wrapper/pipeline_route.h"

#include <stdlib.h>

#include <array>
#include <filesystem>

#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {

std::string find_opt_for(const std::string& clang) {
  std::string dir = fs::dir_name(fs::real_path(clang));
  if (fs::is_executable_file(dir + "/opt")) {
    return dir + "/opt";
  }
  for (const char* name : {"opt-14", "opt"}) {
    std::string p = fs::find_in_path(name, nullptr, nullptr);
    if (!p.empty()) {
      return p;
    }
  }
  return {};
}

namespace {

bool has(const std::vector<std::string>& args, std::string_view prefix) {
  for (const auto& a : args) {
    if (starts_with(a, prefix)) {
      return true;
    }
  }
  return false;
}

int run(std::vector<std::string> argv) {
  ProcessOptions o;
  o.argv = std::move(argv);
  o.capture_stdout = false;
  o.capture_stderr = false;
  o.timeout_sec = 3600;
  auto r = run_process(o);
  if (!r) {
    log::warn("{}", r.error().message);
    return 127;
  }
  return r->signal ? 128 + r->signal : r->exit_code;
}

} // namespace

int compile_with_pipeline(const std::string& clang, const std::vector<std::string>& args,
                          const std::string& source, const std::string& output, const std::string& pipeline) {
  std::string opt = find_opt_for(clang);
  if (opt.empty()) {
    log::warn("no `opt` found for {}; cannot use a pass pipeline", clang);
    return 127;
  }
  char tmpl[] = "/tmp/llmcc-pipeline-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    return 127;
  }
  std::string dir = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};
  const std::string front_bc = dir + "/front.bc", opt_bc = dir + "/opt.bc";

  // 1. Front end: everything the user asked for (preprocessor, dependency file,
  // language flags) but no LLVM passes. The dependency file must still name the
  // real output, not the temporary bitcode.
  std::vector<std::string> front = {clang};
  bool dep_file = has(args, "-MD") || has(args, "-MMD");
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o") {
      ++i;
      continue;
    }
    if (starts_with(args[i], "-o") && args[i].size() > 2) {
      continue;
    }
    front.push_back(args[i]);
  }
  if (dep_file && !has(args, "-MT") && !has(args, "-MQ")) {
    front.insert(front.end(), {"-MT", output});
  }
  if (dep_file && !has(args, "-MF")) {
    auto dot = output.rfind('.');
    front.insert(front.end(), {"-MF", (dot == std::string::npos ? output : output.substr(0, dot)) + ".d"});
  }
  front.insert(front.end(), {"-emit-llvm", "-Xclang", "-disable-llvm-passes", "-o", front_bc});
  if (int rc = run(front); rc != 0) {
    return rc;
  }
  // 2. The pipeline.
  if (int rc = run({opt, "-passes=" + pipeline, front_bc, "-o", opt_bc}); rc != 0) {
    return rc;
  }
  // 3. Code generation only: the -O level and target options matter here, the
  // preprocessor and language options do not.
  static const std::array drop_with_value = {"-o", "-MF", "-MT", "-MQ", "-I", "-D", "-U", "-include", "-imacros",
                                             "-isystem", "-idirafter", "-iquote", "-x"};
  static const std::array drop_prefix = {"-I", "-D", "-U", "-std=", "-MD", "-MMD", "-MP", "-MF", "-MT", "-MQ",
                                         "-isystem", "-iquote", "-idirafter", "-include", "-x", "-o"};
  std::vector<std::string> back = {clang};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == source) {
      continue;
    }
    if (std::find(drop_with_value.begin(), drop_with_value.end(), a) != drop_with_value.end()) {
      ++i;
      continue;
    }
    if (std::any_of(drop_prefix.begin(), drop_prefix.end(), [&](const char* p) { return starts_with(a, p); })) {
      continue;
    }
    back.push_back(a);
  }
  back.insert(back.end(), {"-Wno-unused-command-line-argument", "-Xclang", "-disable-llvm-passes", "-x", "ir",
                           opt_bc, "-o", output});
  return run(back);
}

} // namespace llmcc
