// Static code features per TU key (tus.features_json, in the tuning file):
// extracted once (llmcc features, tuning) and read for similarity; the feature
// schema version keeps counts of different meaning apart.
#include "cache/local/store.h"

namespace llmcc {

// The extractor is in the features' JSON and the family in the compiler's row.
static constexpr const char* kFeatureColumns =
    "t.tu_key, t.feature_schema, json_extract(t.features_json, '$.extractor'), t.source_rel, t.compiler_id,"
    " COALESCE(c.family, ''), t.features_json, t.created FROM tus t LEFT JOIN compilers c ON c.id=t.compiler_id";

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
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<FeatureRow>(feature_from_row,
                                     std::string("SELECT ") + kFeatureColumns +
                                         " WHERE t.tu_key=? AND t.feature_schema=? AND t.features_json IS NOT NULL",
                                     tu_key, feature_schema);
}

// A TU not yet in `tus` gets its row here; put_tu (which fills base_flags)
// is called first by the features cache, so this normally updates.
Status Store::put_features(const FeatureRow& row) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("INSERT INTO tus(tu_key, source_rel, compiler_id, base_flags, features_json, feature_schema,"
                   " created) VALUES(?,?,?,'',?,?,?) ON CONFLICT(tu_key) DO UPDATE SET"
                   " features_json=excluded.features_json, feature_schema=excluded.feature_schema",
                   row.tu_key, row.source_rel, row.compiler_id, row.json, row.feature_schema,
                   row.created ? row.created : now_unix());
}

Expected<std::vector<FeatureRow>> Store::all_features(int feature_schema) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->all_rows<FeatureRow>(feature_from_row,
                                    std::string("SELECT ") + kFeatureColumns +
                                        " WHERE t.feature_schema=? AND t.features_json IS NOT NULL"
                                        " ORDER BY t.source_rel, t.tu_key",
                                    feature_schema);
}

} // namespace llmcc
