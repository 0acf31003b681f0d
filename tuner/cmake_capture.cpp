#include "tuner/cmake_capture.h"

#include <fmt/format.h>

#include "tuner/build_driver.h"
#include "tuner/cmake_file_api.h"
#include "tuner/progress.h"
#include "util/fs.h"
#include "util/process.h"

namespace llmcc {

Expected<std::string> capture_cmake_build(const std::string& build_dir, const std::string& binary,
                                          const std::string& wanted_target, Progress& progress) {
  auto project = load_cmake_project(build_dir, /*reconfigure=*/true);
  if (!project) {
    return Error{"reading the CMake File API reply failed: " + project.error().message};
  }
  std::string target = wanted_target;
  if (target.empty()) {
    for (const auto& t : project->targets) {
      for (const auto& a : t.artifacts) {
        if (fs::real_path(a) == binary) {
          target = t.name;
        }
      }
    }
  }
  if (target.empty()) {
    return Error{fmt::format("no CMake target in {} produces {}", build_dir, binary)};
  }
  std::string llmcc = find_llmcc_binary();
  if (llmcc.empty()) {
    return Error{"cannot find the llmcc binary"};
  }
  progress.line(fmt::format("{} was not built through llmcc: adding llmcc as the compiler and linker launcher "
                              "of {} and rebuilding target {} once",
                              fs::base_name(binary), build_dir, target));
  ProcessOptions configure;
  configure.argv = {project->cmake_command.empty() ? "cmake" : project->cmake_command, build_dir};
  for (const char* lang : {"C", "CXX"}) {
    configure.argv.push_back(fmt::format("-DCMAKE_{}_COMPILER_LAUNCHER={}", lang, llmcc));
    configure.argv.push_back(fmt::format("-DCMAKE_{}_LINKER_LAUNCHER={}", lang, llmcc));
  }
  configure.timeout_sec = 3600;
  auto r = run_process(configure);
  if (!r || !r->success()) {
    return Error{"reconfiguring with the llmcc launcher failed: " + (r ? r->err.substr(0, 2000) : r.error().message)};
  }
  ProcessOptions build;
  build.argv = {project->cmake_command.empty() ? "cmake" : project->cmake_command, "--build", build_dir,
                "--target", target, "--clean-first"};
  build.timeout_sec = 3600;
  r = run_process(build);
  if (!r || !r->success()) {
    return Error{"the capture build failed: " + (r ? (r->out + r->err).substr(0, 2000) : r.error().message)};
  }
  return target;
}

} // namespace llmcc
