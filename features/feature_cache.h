// A TU's features by key: read from the database, else extracted once and
// stored with the feature schema version. Only tool commands call this
// (`llmcc features`, `similar`, tuning); the compile path never does.
#pragma once

#include "cache/local/store.h"
#include "features/extract.h"

namespace llmcc {

struct CachedFeatures {
  std::optional<TuFeatures> features;
  bool from_cache = false;
  std::vector<std::string> notes; // why extraction degraded or failed
};

// `hot` (function -> share of the TU's profiled instructions, empty without a
// profile) is stored with the features when it is new, so the TU is weighed by
// it also as another TU's neighbour.
CachedFeatures features_for(Store& store, const TuContext& tu, const std::string& tu_key,
                            const ExtractorTools& tools, const std::map<std::string, double>& hot = {});

} // namespace llmcc
