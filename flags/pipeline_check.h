// The type check for a config's clang new-PM pass pipeline (`opt -passes=...`),
// the part of the allow-list a `pipeline` field passes: opt's grammar, known
// passes only, each at a level where opt accepts it (docs/design.md, "The clang
// pass-pipeline route").
#pragma once

#include "flags/compiler_family.h"
#include "flags/option_table.h"

#include <optional>
#include <string>

namespace llmcc {

// Why `pipeline` may not be run for `family`, or nothing when it may. The pass
// names and levels come from `table` (the clang option table).
std::optional<std::string> check_pipeline(const OptionTable& table, CompilerFamily family,
                                          const std::string& pipeline);

} // namespace llmcc
