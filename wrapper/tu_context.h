// Everything known about one compile that keys and lookups need. Made by one
// factory for the wrapper, `llmcc show` and the tuner alike, so what show
// prints and the key the tuner stores are what the compile itself computes.
#pragma once

#include "cache/records.h"
#include "hwdetect/host.h"
#include "wrapper/args.h"

#include <string>

namespace llmcc {

class Config;

struct TuContext {
  std::string cwd;
  std::string compiler_path; // as it will be exec'd
  ClassifiedArgs args;       // kind == Compile
  CompilerIdentity compiler; // filled by the caller once the identity is known
  hw::HostInfo host;         // filled by resolve_config when a lookup needs it
  std::string source_abs;
  std::string output_abs;
  std::string project_root; // checkout root (base_dir)
  std::string source_rel;   // source relative to project_root (or its file name)
};

// The directories a command's -ffile-prefix-map=, -fdebug-prefix-map= and
// -fmacro-prefix-map= options map away (their OLD side, absolute from `cwd`):
// a build that maps a directory out of its outputs declares it the root of
// its checkout (Debian's dpkg-buildflags map the package's source tree).
std::vector<std::string> prefix_map_roots(const std::vector<std::string>& args, const std::string& cwd);

// base_dir from config, else the nearest ancestor of the source holding .git or
// .llmcc.conf, else the outermost of `declared_roots` that holds the source
// (prefix_map_roots), else the source's directory.
std::string find_project_root(const std::string& source_abs, const Config& config,
                              const std::vector<std::string>& declared_roots = {});

// A source compiled with `args` in `cwd`: its checkout root (find_project_root
// with the roots the command's prefix maps declare) and its path there, as
// keys, winners and --tu name it (the file name when it lies outside).
struct ProjectPath {
  std::string root;
  std::string rel;
};
ProjectPath project_path(const std::string& source_abs, const std::vector<std::string>& args, const std::string& cwd,
                         const Config& config);

// The context of a single-source compile (`args.kind == Compile`) run in `cwd`.
TuContext make_tu_context(const std::string& cwd, const std::string& compiler_path, ClassifiedArgs args,
                          const Config& config);
// The same for a compile recorded in the database.
TuContext make_tu_context(const CapturedCommand& compile, const Config& config);

} // namespace llmcc
