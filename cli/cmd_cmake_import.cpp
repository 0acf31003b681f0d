// llmcc cmake-import BUILD_DIR: what a CMake build directory builds, read
// through the CMake File API (targets, their sources and flags, artifacts).
#include <fmt/format.h>

#include "cli/tool.h"
#include "tuner/cmake_file_api.h"
#include "util/fs.h"
#include "util/strings.h"

namespace llmcc::cli {

namespace {

nlohmann::json to_json(const CMakeProject& p) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : p.targets) {
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& s : t.sources) {
      nlohmann::json includes = nlohmann::json::array();
      for (const auto& i : s.includes) {
        includes.push_back({{"path", i.path}, {"system", i.is_system}});
      }
      sources.push_back({{"path", s.path},
                         {"language", s.language},
                         {"compiled", s.compiled()},
                         {"generated", s.generated},
                         {"compile_fragments", s.compile_fragments},
                         {"defines", s.defines},
                         {"includes", includes},
                         {"compile_args", s.compiled() ? s.compile_args() : std::vector<std::string>{}}});
    }
    targets.push_back({{"name", t.name},
                       {"id", t.id},
                       {"type", t.type},
                       {"source_dir", t.source_dir},
                       {"build_dir", t.build_dir},
                       {"artifacts", t.artifacts},
                       {"dependencies", t.dependencies},
                       {"link_language", t.link_language},
                       {"link_fragments", t.link_fragments},
                       {"sources", sources}});
  }
  nlohmann::json toolchains = nlohmann::json::array();
  for (const auto& tc : p.toolchains) {
    toolchains.push_back({{"language", tc.language},
                          {"compiler", tc.compiler_path},
                          {"id", tc.compiler_id},
                          {"version", tc.compiler_version}});
  }
  nlohmann::json cache = nlohmann::json::object();
  // The entries that matter for routing compiles through llmcc, not the whole cache.
  for (const char* key : {"CMAKE_BUILD_TYPE", "CMAKE_C_COMPILER", "CMAKE_CXX_COMPILER", "CMAKE_C_COMPILER_LAUNCHER",
                          "CMAKE_CXX_COMPILER_LAUNCHER", "CMAKE_C_FLAGS", "CMAKE_CXX_FLAGS", "CMAKE_GENERATOR"}) {
    auto it = p.cache.find(key);
    if (it != p.cache.end()) {
      cache[key] = it->second;
    }
  }
  return {{"source_dir", p.source_dir}, {"build_dir", p.build_dir}, {"generator", p.generator},
          {"multi_config", p.multi_config}, {"configs", p.configs}, {"config", p.config},
          {"toolchains", toolchains}, {"cache", cache}, {"targets", targets}};
}

void print_text(const CMakeProject& p) {
  fmt::print("{} ({}{}), sources in {}\n", p.build_dir, p.generator,
             p.config.empty() ? "" : fmt::format(", config {}", p.config), p.source_dir);
  for (const auto& tc : p.toolchains) {
    fmt::print("  {} compiler: {} ({} {})\n", tc.language, tc.compiler_path, tc.compiler_id, tc.compiler_version);
  }
  std::vector<std::vector<std::string>> rows = {{"TARGET", "TYPE", "TUS", "ARTIFACT"}};
  for (const auto& t : p.targets) {
    size_t compiled = 0;
    for (const auto& s : t.sources) {
      compiled += s.compiled() ? 1 : 0;
    }
    std::string artifact = t.artifacts.empty() ? "-" : t.artifacts.front();
    if (auto rel = fs::relative_to(artifact, p.build_dir)) {
      artifact = *rel;
    }
    rows.push_back({t.name, t.type, std::to_string(compiled), artifact});
  }
  fmt::print("\n{}", format_table(rows));
  for (const auto& t : p.targets) {
    for (const auto& s : t.sources) {
      if (!s.compiled()) {
        continue;
      }
      std::string path = fs::relative_to(s.path, p.source_dir).value_or(s.path);
      fmt::print("{}: {} [{}] {}\n", t.name, path, s.language, join(s.compile_flags(), " "));
    }
  }
}

} // namespace

void register_cmake_import(CLI::App& app, ToolContext& /*ctx*/, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("cmake-import",
                                 "read a CMake build directory's targets, sources and flags (CMake File API)");
  cmd->footer("Writes llmcc's query into BUILD_DIR/.cmake/api/v1/query and reads CMake's reply. Without a "
              "reply it re-runs cmake on BUILD_DIR (which keeps its cache), unless --no-reconfigure.\n"
              "Example:\n  llmcc cmake-import build --json");
  auto build_dir = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto no_reconfigure = std::make_shared<bool>(false);
  cmd->add_option("build_dir", *build_dir, "the CMake build directory")->required();
  cmd->add_option("--config", *config, "configuration of a multi-config build (default: the first)");
  cmd->add_flag("--no-reconfigure", *no_reconfigure, "fail instead of re-running cmake when there is no reply");
  cmd->add_flag("--json", *json, "print JSON");
  out.push_back({cmd, [build_dir, config, json, no_reconfigure] {
                   std::string dir = fs::absolute(*build_dir, fs::current_dir());
                   auto project = load_cmake_project(dir, !*no_reconfigure, *config);
                   if (!project) {
                     fmt::print(stderr, "llmcc: error: {}\n", project.error().message);
                     return 1;
                   }
                   if (*json) {
                     fmt::print("{}\n", to_json(*project).dump(2));
                   } else {
                     print_text(*project);
                   }
                   return 0;
                 }});
}

} // namespace llmcc::cli
