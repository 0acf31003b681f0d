// The static code features both extractors (the GCC plugin and the LLVM
// analyser) count, and their names at the JSON edge. Header-only and free of
// llmcc's other headers: the GCC plugin (-fno-rtti, GCC's own headers) and the
// LLVM helper (LLVM's headers) include it too, so the three agree on one list.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace llmcc {

// Bump when a count's meaning changes: stored features of another version are
// re-extracted, never compared.
inline constexpr int kFeatureSchemaVersion = 1;

enum class Feature : size_t {
  Functions,
  BasicBlocks,
  Statements, // GIMPLE statements / IR instructions, see docs/design.md for what is left out
  Edges,      // CFG edges between the function's own blocks
  CriticalEdges,
  BlocksOneSucc,
  BlocksTwoSucc,
  BlocksManySucc,
  BlocksOnePred,
  BlocksTwoPred,
  BlocksManyPred,
  BlocksSmall,  // fewer than 15 statements
  BlocksMedium, // 15 to 500
  BlocksLarge,  // more than 500
  Phis,
  PhiArgs,
  CondBranches,
  Switches,
  DirectCalls,
  IndirectCalls,
  Loads,
  Stores,
  IntOps,
  FpOps,
  ConstOperandOps, // arithmetic with a constant operand
  Loops,
  MaxLoopDepth,
  Count
};

inline constexpr size_t kFeatureCount = static_cast<size_t>(Feature::Count);

inline constexpr std::array<std::string_view, kFeatureCount> kFeatureNames = {
    "functions",        "basic_blocks",     "statements",      "edges",          "critical_edges",
    "blocks_1_succ",    "blocks_2_succ",    "blocks_3p_succ",  "blocks_1_pred",  "blocks_2_pred",
    "blocks_3p_pred",   "blocks_small",     "blocks_medium",   "blocks_large",   "phis",
    "phi_args",         "cond_branches",    "switches",        "direct_calls",   "indirect_calls",
    "loads",            "stores",           "int_ops",         "fp_ops",         "const_operand_ops",
    "loops",            "max_loop_depth"};

constexpr size_t index_of(Feature f) { return static_cast<size_t>(f); }

// The size class of a block with `statements` statements.
constexpr Feature block_size_class(long statements) {
  return statements < 15 ? Feature::BlocksSmall : statements <= 500 ? Feature::BlocksMedium : Feature::BlocksLarge;
}

} // namespace llmcc
