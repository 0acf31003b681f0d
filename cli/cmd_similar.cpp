// llmcc similar <source>: the TUs in the database nearest to this one in
// feature space (same compiler family, hardware class and objective), with
// their winners: what tuning this TU would be seeded from.
#include <fmt/format.h>

#include "cli/tool.h"
#include "features/feature_cache.h"
#include "features/neighbours.h"
#include "features/source_tu.h"
#include "hwdetect/host.h"
#include "util/log.h"

namespace llmcc::cli {

void register_similar(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("similar", "list the tuned TUs whose code features are nearest a source file's");
  auto source = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto k = std::make_shared<size_t>(3);
  auto objective = std::make_shared<std::string>("time");
  cmd->add_option("source", *source, "source file (as built through llmcc)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_option("-k", *k, "how many neighbours (default 3)");
  cmd->add_option("--objective", *objective, "objective of the winners: time, size, instructions (default time)");
  out.push_back({cmd, [&ctx, source, json, k, objective] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   auto st = source_tu(*store, ctx.config(), *source);
                   if (!st) {
                     fmt::print(stderr, "llmcc: error: {}\n", st.error().message);
                     return 1;
                   }
                   CachedFeatures cf = features_for(*store, st->tu, st->tu_key, ExtractorTools::beside_self());
                   for (const auto& n : cf.notes) {
                     log::warn("{}", n);
                   }
                   if (!cf.features) {
                     fmt::print(stderr, "llmcc: error: no feature extractor could describe {}\n", st->tu.source_rel);
                     return 1;
                   }
                   auto rows = store->all_features(kFeatureSchemaVersion);
                   auto winners = store->winners();
                   if (!rows || !winners) {
                     fmt::print(stderr, "llmcc: error: {}\n", (!rows ? rows.error() : winners.error()).message);
                     return 1;
                   }
                   NeighbourQuery q;
                   q.tu_key = st->tu_key;
                   q.family = std::string(family_name(st->tu.compiler.family));
                   q.hw_class = hw::detect_host().hw_class();
                   q.objective = *objective;
                   q.k = *k;
                   auto near = nearest_neighbours(*cf.features, q, *rows, *winners);
                   if (*json) {
                     nlohmann::json j = nlohmann::json::array();
                     for (const auto& n : near) {
                       nlohmann::json ws = nlohmann::json::array();
                       for (const auto& w : n.winners) {
                         ws.push_back({{"config", w.config.display()}, {"speedup", w.speedup}});
                       }
                       j.push_back({{"source_rel", n.source_rel}, {"tu_key", n.tu_key}, {"distance", n.distance},
                                    {"winners", ws}});
                     }
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   if (near.empty()) {
                     fmt::print("no tuned TU of {} on {} for {} has features yet\n", q.family, q.hw_class, q.objective);
                     return 0;
                   }
                   std::vector<std::vector<std::string>> table = {{"DISTANCE", "SOURCE", "SPEEDUP", "WINNER"}};
                   for (const auto& n : near) {
                     for (const auto& w : n.winners) {
                       table.push_back({fmt::format("{:.4f}", n.distance), n.source_rel,
                                        fmt::format("{:.3f}x", w.speedup), w.config.display()});
                     }
                   }
                   fmt::print("{}", format_table(table));
                   return 0;
                 }});
}

} // namespace llmcc::cli
