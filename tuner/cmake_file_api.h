// Reading a CMake build directory through the CMake File API (codemodel v2,
// toolchains v1, cache v2): which targets exist, which sources each compiles
// with which flags, and what they produce. This lets tuning map TUs to targets
// and know their flags without a captured build.
#pragma once

#include "util/expected.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct CMakeInclude {
  std::string path;
  bool is_system = false;
};

struct CMakeSource {
  std::string path;     // absolute
  std::string language; // "C", "CXX", ...; empty when the source is not compiled (headers)
  bool generated = false;
  // The source's compile group: flag fragments as CMake gives them (each may hold
  // several words), defines without -D, include directories.
  std::vector<std::string> compile_fragments;
  std::vector<std::string> defines;
  std::vector<CMakeInclude> includes;

  bool compiled() const { return !language.empty(); }
  // The fragments split into words (the fragments are shell-quoted command text).
  std::vector<std::string> compile_flags() const;
  // -D, -I/-isystem and the flags, in the order CMake's generators emit them.
  std::vector<std::string> compile_args() const;
};

struct CMakeTarget {
  std::string name;
  std::string id;
  std::string type;                    // EXECUTABLE, STATIC_LIBRARY, SHARED_LIBRARY, ...
  std::string source_dir;              // absolute
  std::string build_dir;               // absolute
  std::vector<std::string> artifacts;  // absolute paths of what it produces
  std::vector<CMakeSource> sources;
  std::string link_language;
  std::vector<std::string> link_fragments; // link (or archive) command fragments
  std::vector<std::string> dependencies;   // names of targets it depends on

  const CMakeSource* find_source(const std::string& path) const;
};

struct CMakeToolchain {
  std::string language;
  std::string compiler_path;
  std::string compiler_id; // GNU, Clang, ...
  std::string compiler_version;
};

struct CMakeProject {
  std::string source_dir;
  std::string build_dir;
  std::string generator;
  bool multi_config = false;
  std::string cmake_command;        // the cmake that wrote the reply
  std::vector<std::string> configs; // configurations the reply describes
  std::string config;               // the one `targets` is for ("" for single-config without a build type)
  std::vector<CMakeTarget> targets;
  std::vector<CMakeToolchain> toolchains;
  std::map<std::string, std::string> cache; // cache entries (name -> value)

  const CMakeTarget* find_target(const std::string& name) const;
  // Targets that compile `source` (absolute path; symlinks resolved on both sides).
  std::vector<const CMakeTarget*> targets_of_source(const std::string& source) const;
};

// Path of llmcc's query file (<build>/.cmake/api/v1/query/client-llmcc/query.json).
std::string cmake_query_path(const std::string& build_dir);
// Writes the query; CMake answers it the next time it configures the build dir.
Status write_cmake_query(const std::string& build_dir);
// True when the reply holds answers to llmcc's query.
bool has_cmake_reply(const std::string& build_dir);

// Reads the latest reply. `config` picks the configuration of a multi-config
// build (default: CMAKE_BUILD_TYPE if it is one of them, else the first).
Expected<CMakeProject> read_cmake_reply(const std::string& build_dir, const std::string& config = "");

// Writes the query and reads the reply; when there is no reply yet and
// `reconfigure` is set, re-runs cmake on the build directory (which keeps its
// cache and generator) so CMake writes one.
Expected<CMakeProject> load_cmake_project(const std::string& build_dir, bool reconfigure,
                                          const std::string& config = "");

} // namespace llmcc
