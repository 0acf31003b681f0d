#include "flags/compiler_family.h"

namespace llmcc {

std::string_view family_name(CompilerFamily f) {
  switch (f) {
  case CompilerFamily::Gcc:
    return "gcc";
  case CompilerFamily::Clang:
    return "clang";
  case CompilerFamily::Unknown:
    break;
  }
  return "unknown";
}

CompilerFamily family_from_name(std::string_view name) {
  if (name == "gcc") {
    return CompilerFamily::Gcc;
  }
  if (name == "clang") {
    return CompilerFamily::Clang;
  }
  return CompilerFamily::Unknown;
}

} // namespace llmcc
