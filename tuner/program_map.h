// From a build directory's captured commands to "which TUs make up this
// program": the link that produced the benchmark binary, the objects and
// archives it consumed, and the compiles that produced them. Archives are not
// built through the compiler (ar), so their members are matched by name.
#pragma once

#include "cache/records.h"
#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

class Store;

struct ProgramTu {
  CapturedCommand compile;
  std::string via; // "object" (linked directly), "archive:<path>", "shared:<path>"
};

struct ProgramMap {
  std::string binary;          // absolute path of the benchmark binary
  CapturedCommand link;        // the link that produced it
  std::vector<ProgramTu> tus;  // every captured compile that went into it
  // In-tree shared libraries it loads (their links were recorded): the benchmark
  // runs against them, so a TU inside one changes what the benchmark measures.
  std::vector<std::string> shared_libraries;
  std::vector<std::string> notes; // unmatched inputs, etc.

  // The files whose contents decide what the benchmark runs: the binary, then
  // the shared libraries.
  std::vector<std::string> files() const;
};

// `binary` is an absolute path. Fails with a message that tells the user what to
// do when nothing was captured for it.
Expected<ProgramMap> map_program(Store& store, const std::string& binary);

// Member file names of an ar archive (parsed directly; no `ar` process).
Expected<std::vector<std::string>> archive_members(const std::string& path);

struct ArchiveMember {
  std::string name;
  std::string data; // the member's bytes
};
Expected<std::vector<ArchiveMember>> read_archive(const std::string& path);

} // namespace llmcc
