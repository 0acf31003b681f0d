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

// base_dir from config, else the nearest ancestor of the source holding .git or
// .llmcc.conf, else the source's directory.
std::string find_project_root(const std::string& source_abs, const Config& config);

// The context of a single-source compile (`args.kind == Compile`) run in `cwd`.
TuContext make_tu_context(const std::string& cwd, const std::string& compiler_path, ClassifiedArgs args,
                          const Config& config);
// The same for a compile recorded in the database.
TuContext make_tu_context(const CapturedCommand& compile, const Config& config);

} // namespace llmcc
