#include "features/feature_cache.h"

#include "flags/compiler_family.h"
#include "util/strings.h"
#include "wrapper/tu_key.h"

namespace llmcc {

CachedFeatures features_for(Store& store, const TuContext& tu, const std::string& tu_key,
                            const ExtractorTools& tools, const std::map<std::string, double>& hot) {
  CachedFeatures out;
  if (auto row = store.features(tu_key, kFeatureSchemaVersion); row && *row) {
    auto parsed = TuFeatures::from_json(nlohmann::json::parse((*row)->json, nullptr, false));
    if (parsed) {
      out.features = std::move(*parsed);
      out.from_cache = true;
      if (!hot.empty() && out.features->hot != hot) {
        FeatureRow updated = **row;
        out.features->hot = hot;
        updated.json = out.features->to_json().dump();
        if (Status s = store.put_features(updated); !s) {
          out.notes.push_back("could not store the hot functions: " + s.message());
        }
      }
      return out;
    }
    // Unreadable: extract again and replace it.
  }
  Extraction ex = extract_features(tu, tools);
  out.notes = std::move(ex.notes);
  if (!ex.features) {
    return out;
  }
  FeatureRow row;
  row.tu_key = tu_key;
  row.feature_schema = ex.features->schema;
  row.extractor = std::string(to_string(ex.features->extractor));
  row.source_rel = tu.source_rel;
  row.compiler_id = tu.compiler.id;
  row.family = std::string(family_name(tu.compiler.family));
  ex.features->hot = hot;
  row.json = ex.features->to_json().dump();
  (void)store.put_tu(tu_key, tu.source_rel, tu.compiler.id,
                     join(normalized_base_flags(tu.args.args, tu.args.source), " "));
  if (Status s = store.put_features(row); !s) {
    out.notes.push_back("could not store the features: " + s.message());
  }
  out.features = std::move(ex.features);
  return out;
}

} // namespace llmcc
