// llmcc winners: the tuned configs in the database.
#include <fmt/format.h>

#include "cli/tool.h"

namespace llmcc::cli {

void register_winners(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("winners", "list tuned configs (or remove one with --rm ID)");
  cmd->footer("Examples:\n  llmcc winners\n  llmcc winners --json\n  llmcc winners --rm 3   # or: llmcc forget SOURCE");
  auto json = std::make_shared<bool>(false);
  auto rm = std::make_shared<int64_t>(0);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_option("--rm", *rm, "remove the winner with this id");
  out.push_back({cmd, [&ctx, json, rm] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   if (*rm) {
                     if (Status s = store->delete_winner(*rm); !s) {
                       fmt::print(stderr, "llmcc: error: {}\n", s.message());
                       return 1;
                     }
                     return 0;
                   }
                   auto winners = store->winners();
                   if (!winners) {
                     fmt::print(stderr, "llmcc: error: {}\n", winners.error().message);
                     return 1;
                   }
                   if (*json) {
                     nlohmann::json j = nlohmann::json::array();
                     for (const auto& w : *winners) {
                       auto e = w.to_json();
                       e["id"] = w.id;
                       j.push_back(e);
                     }
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   std::vector<std::vector<std::string>> rows = {
                       {"ID", "SOURCE", "OBJECTIVE", "SPEEDUP", "CONFIDENCE", "HOST", "ORIGIN", "CONFIG"}};
                   for (const auto& w : *winners) {
                     rows.push_back({std::to_string(w.id), w.source_rel, w.objective,
                                     fmt::format("{:.3f}x", w.speedup),
                                     fmt::format("[{:.3f}, {:.3f}]", w.speedup_low, w.speedup_high),
                                     w.host_fp, w.origin, w.config.display()});
                   }
                   fmt::print("{}", format_table(rows));
                   return 0;
                 }});
}

} // namespace llmcc::cli
