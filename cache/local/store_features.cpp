// Static code features per TU key: extracted once (llmcc features, tuning) and
// read for similarity; the schema version keeps counts of different meaning apart.
#include "cache/local/store.h"

namespace llmcc {

static constexpr const char* kFeatureColumns =
    "tu_key, feature_schema, extractor, source_rel, compiler_id, family, json, created FROM tu_features";

static FeatureRow feature_from_row(const Statement& r) {
  FeatureRow f;
  f.tu_key = r.text(0);
  f.feature_schema = static_cast<int>(r.integer(1));
  f.extractor = r.text(2);
  f.source_rel = r.text(3);
  f.compiler_id = r.text(4);
  f.family = r.text(5);
  f.json = r.text(6);
  f.created = r.integer(7);
  return f;
}

Expected<std::optional<FeatureRow>> Store::features(const std::string& tu_key, int feature_schema) {
  return m_db->first_row<FeatureRow>(feature_from_row,
                                     std::string("SELECT ") + kFeatureColumns +
                                         " WHERE tu_key=? AND feature_schema=?",
                                     tu_key, feature_schema);
}

Status Store::put_features(const FeatureRow& row) {
  return m_db->run("INSERT OR REPLACE INTO tu_features(tu_key, feature_schema, extractor, source_rel, compiler_id,"
                   " family, json, created) VALUES(?,?,?,?,?,?,?,?)",
                   row.tu_key, row.feature_schema, row.extractor, row.source_rel, row.compiler_id, row.family,
                   row.json, row.created ? row.created : now_unix());
}

Expected<std::vector<FeatureRow>> Store::all_features(int feature_schema) {
  return m_db->all_rows<FeatureRow>(feature_from_row,
                                    std::string("SELECT ") + kFeatureColumns +
                                        " WHERE feature_schema=? ORDER BY source_rel, tu_key",
                                    feature_schema);
}

} // namespace llmcc
