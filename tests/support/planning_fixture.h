// The planning context the planner tests and the hybrid benchmark share: one C
// translation unit at -O2, tuned for time over the whole search space of a
// compiler family. Callers set what they vary (seed, hardware, features, source
// excerpt).
#pragma once

#include "flags/allow_list.h"
#include "tuner/planner.h"

namespace llmcc::testing {

inline PlanningContext kernel_planning_context(CompilerFamily family = CompilerFamily::Gcc) {
  PlanningContext ctx;
  ctx.source_rel = "src/kernel.c";
  ctx.language = "c";
  ctx.family = family;
  ctx.compiler_version = family == CompilerFamily::Gcc ? "12.2.0" : "14.0.6";
  ctx.objective = "time";
  ctx.space = SearchSpace::build(family, SafetyPolicy{});
  ctx.baseline.opt_level = "-O2";
  return ctx;
}

} // namespace llmcc::testing
