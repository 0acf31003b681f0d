// The size objective's measure of an object file.
#pragma once

#include "util/expected.h"

#include <string>

namespace llmcc {

// Bytes of code and data in an object file (.text*, .data*, .rodata*, .bss*
// sections of an ELF relocatable or executable).
Expected<double> object_code_size(const std::string& path);

} // namespace llmcc
