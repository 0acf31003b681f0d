#include "flags/compiler_family.h"

#include "util/enum_names.h"

namespace llmcc {

namespace {

// Unknown stays out of the table: "unknown" must not parse back as a family.
constexpr EnumNames<CompilerFamily, 2> kFamilyNames = {{
    {CompilerFamily::Gcc, "gcc"},
    {CompilerFamily::Clang, "clang"},
}};

} // namespace

std::string_view family_name(CompilerFamily f) {
  return name_of(kFamilyNames, f);
}

CompilerFamily family_from_name(std::string_view name) {
  return from_names(kFamilyNames, name).value_or(CompilerFamily::Unknown);
}

} // namespace llmcc
