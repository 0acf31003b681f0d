// A CMake build that did not go through llmcc: route it through llmcc as the
// compiler and linker launcher and rebuild the target once, so every compile
// and link is recorded. The File API tells which target makes the binary.
#pragma once

#include "util/expected.h"

#include <string>

namespace llmcc {

class Progress;

// Returns the CMake target that was rebuilt (`target`, or the one whose
// artifact is `binary` when `target` is empty).
Expected<std::string> capture_cmake_build(const std::string& build_dir, const std::string& binary,
                                          const std::string& target, Progress& progress);

} // namespace llmcc
