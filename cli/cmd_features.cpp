// llmcc features <source>: the TU's static code features (GCC plugin or LLVM
// analyser), extracted once per TU key and kept in the database.
#include <fmt/format.h>

#include "cli/tool.h"
#include "features/feature_cache.h"
#include "features/source_tu.h"
#include "util/log.h"

namespace llmcc::cli {

void register_features(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("features", "print a source file's static code features (GCC plugin / LLVM)");
  auto source = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto pipeline = std::make_shared<std::string>();
  cmd->add_option("source", *source, "source file (as built through llmcc)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_option("--pipeline", *pipeline, "print the LLVM IR instruction count after this pass pipeline (clang)");
  out.push_back({cmd, [&ctx, source, json, pipeline] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   auto st = source_tu(*store, ctx.config(), *source);
                   if (!st) {
                     fmt::print(stderr, "llmcc: error: {}\n", st.error().message);
                     return 1;
                   }
                   ExtractorTools tools = ExtractorTools::beside_self();
                   if (!pipeline->empty()) {
                     auto n = ir_instructions_after(st->tu, tools, *pipeline);
                     if (!n) {
                       fmt::print(stderr, "llmcc: error: {}\n", n.error().message);
                       return 1;
                     }
                     if (*json) {
                       fmt::print("{}\n", nlohmann::json{{"pipeline", *pipeline}, {"instructions", *n}}.dump(2));
                     } else {
                       fmt::print("{}\n", *n);
                     }
                     return 0;
                   }
                   CachedFeatures cf = features_for(*store, st->tu, st->tu_key, tools);
                   for (const auto& n : cf.notes) {
                     log::warn("{}", n);
                   }
                   if (!cf.features) {
                     fmt::print(stderr, "llmcc: error: no feature extractor could describe {}\n", st->tu.source_rel);
                     return 1;
                   }
                   const TuFeatures& f = *cf.features;
                   if (*json) {
                     nlohmann::json j = f.to_json();
                     j["source_rel"] = st->tu.source_rel;
                     j["tu_key"] = st->tu_key;
                     j["cached"] = cf.from_cache;
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   fmt::print("source:    {}\nkey:       {}\nextractor: {} (schema {}{})\n", st->tu.source_rel,
                              st->tu_key, to_string(f.extractor), f.schema, cf.from_cache ? ", cached" : "");
                   std::vector<std::vector<std::string>> rows = {{"FEATURE", "COUNT", "NORMALISED"}};
                   FeatureVector v = normalised(f.total);
                   for (size_t i = 0; i < kFeatureCount; ++i) {
                     rows.push_back({std::string(kFeatureNames[i]), std::to_string(f.total.values[i]),
                                     fmt::format("{:.4f}", v[i])});
                   }
                   fmt::print("{}", format_table(rows));
                   return 0;
                 }});
}

} // namespace llmcc::cli
