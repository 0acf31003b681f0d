#include "tuner/benchmark_binary.h"

#include <fmt/format.h>

#include <algorithm>

#include "cache/local/store.h"
#include "tuner/cmake_file_api.h"
#include "tuner/tune_options.h"
#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"

namespace llmcc {

namespace {

// The words of the benchmark command, with `sh -c` scripts split as a shell would.
std::vector<std::string> command_words(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (const auto& a : argv) {
    std::vector<std::string> inner;
    std::string error;
    if (a.find_first_of(" \t;&|") != std::string::npos && split_shell_words(a, inner, &error)) {
      for (const auto& w : inner) {
        words.push_back(w);
      }
    } else {
      words.push_back(a);
    }
  }
  return words;
}

} // namespace

Expected<std::string> resolve_benchmark_binary(const TuneOptions& options, const std::string& build_dir,
                                               const std::string& cwd, Store& store) {
  std::string binary = options.binary.empty() ? options.bench[0] : options.binary;
  if (binary.find('/') == std::string::npos && options.binary.empty()) {
    binary = resolve_program(binary);
  }
  std::string path = fs::real_path(fs::absolute(binary, cwd));
  if (fs::exists(build_dir + "/CMakeCache.txt") && !options.target.empty() && options.binary.empty()) {
    // The CMake File API knows where the target's binary is.
    if (auto project = load_cmake_project(build_dir, /*reconfigure=*/true)) {
      if (const CMakeTarget* t = project->find_target(options.target); t && !t->artifacts.empty()) {
        path = fs::real_path(t->artifacts.front());
      }
    }
  }
  if (!options.binary.empty() || !options.target.empty()) {
    if (path.empty()) {
      return Error{fmt::format("benchmark binary {} not found (build it first, or pass --binary)", binary)};
    }
    return path;
  }
  if (!path.empty()) {
    if (auto link = store.command_for_output("link", path); link && *link) {
      return path;
    }
  }
  // The command's first word is not a program llmcc saw linked (a shell, a
  // script, a runner): look for one that it names.
  auto links = store.commands("link");
  std::vector<std::string> recorded;
  if (links) {
    for (const auto& l : *links) {
      if (starts_with(l.output, build_dir + "/") && fs::is_executable_file(l.output)) {
        recorded.push_back(l.output);
      }
    }
  }
  std::vector<std::string> named;
  for (const auto& w : command_words(options.bench)) {
    if (w.empty() || w[0] == '-') {
      continue;
    }
    std::string abs = fs::real_path(fs::absolute(w, cwd));
    for (const auto& r : recorded) {
      bool same = (!abs.empty() && abs == fs::real_path(r)) ||
                  (w.find('/') == std::string::npos && fs::base_name(r) == w);
      if (same && std::find(named.begin(), named.end(), r) == named.end()) {
        named.push_back(r);
      }
    }
  }
  if (named.size() == 1) {
    return fs::real_path(named.front());
  }
  if (named.size() > 1) {
    return Error{fmt::format("the benchmark command names several programs built through llmcc ({}); pass "
                             "--binary with the one to tune",
                             join(named, ", "))};
  }
  if (path.empty()) {
    return Error{fmt::format("benchmark binary {} not found (build it first, or pass --binary)", binary)};
  }
  if (!recorded.empty()) {
    std::vector<std::string> names;
    for (const auto& r : recorded) {
      names.push_back(fs::relative_to(r, build_dir).value_or(r));
    }
    return Error{fmt::format("the benchmark command runs {}, which was not built through llmcc, and names none "
                             "of the programs that were. Pass --binary with the program it benchmarks "
                             "(built in {}: {})",
                             options.bench[0], build_dir, join(names, ", "))};
  }
  return path;
}

} // namespace llmcc
