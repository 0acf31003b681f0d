#pragma once

#include <string>
#include <string_view>

namespace llmcc {

enum class CompilerFamily { Gcc, Clang, Unknown };

std::string_view family_name(CompilerFamily f); // "gcc", "clang", "unknown"
CompilerFamily family_from_name(std::string_view name);

} // namespace llmcc
