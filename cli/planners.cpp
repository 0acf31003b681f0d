// Which planners `llmcc tune --planner` can make. The tuner library knows only the
// Planner interface; the CLI decides what stands behind each name.
#include "cli/tool.h"
#include "llm/llm_planner.h"
#include "tuner/planner.h"

namespace llmcc::cli {

PlannerFactory planner_factory(ToolContext& ctx, int64_t llm_token_budget, std::shared_ptr<LlmUsage> llm_usage) {
  LlmSettings settings = llm_settings(ctx.config());
  settings.session_usage = std::move(llm_usage);
  if (llm_token_budget > 0) {
    settings.token_budget = llm_token_budget;
  }
  Store* store = ctx.store();
  return [settings, store](const std::string& kind, std::string* status) -> std::unique_ptr<Planner> {
    auto planner = make_planner(kind, settings, store, status);
    if (!planner && status) {
      *status = "unknown planner '" + kind + "' (builtin, random, llm, hybrid)";
    }
    return planner;
  };
}

std::string default_planner(const ToolContext& ctx) { return default_planner_kind(llm_settings(ctx.config())); }

} // namespace llmcc::cli
