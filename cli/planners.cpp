// Which planners `llmcc tune --planner` can make. The tuner library knows only the
// Planner interface; the CLI decides what stands behind each name.
#include "cli/tool.h"
#include "tuner/planner.h"

namespace llmcc::cli {

PlannerFactory planner_factory(ToolContext& /*ctx*/) {
  return [](const std::string& kind, std::string* status) -> std::unique_ptr<Planner> {
    if (kind == "builtin") {
      return make_builtin_planner();
    }
    if (kind == "random") {
      return make_random_planner();
    }
    if (status) {
      *status = "planner '" + kind + "' is not available; using the built-in planner";
    }
    return make_builtin_planner();
  };
}

std::string default_planner(const ToolContext& /*ctx*/) { return "builtin"; }

} // namespace llmcc::cli
