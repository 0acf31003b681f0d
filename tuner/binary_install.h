// The benchmark runs the program at its own paths: the binary and the in-tree
// shared libraries it loads. Each build under test is saved as a copy of those
// files and installed back in turn, each file copied beside its target and
// renamed over it, so a running or crashed benchmark never sees a half-written file.
#pragma once

#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

Status install_binary(const std::string& from, const std::string& to);

// Saves `files` as they are now into the directory `copy` (created).
Status save_program(const std::vector<std::string>& files, const std::string& copy);
// Installs a saved copy back at `files` (the same list, in the same order).
Status install_program(const std::string& copy, const std::vector<std::string>& files);

} // namespace llmcc
