#include "features/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmcc {

nlohmann::json FeatureCounts::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < kFeatureCount; ++i) {
    j[std::string(kFeatureNames[i])] = values[i];
  }
  return j;
}

Expected<FeatureCounts> FeatureCounts::from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    return Error{"feature counts are not a JSON object"};
  }
  FeatureCounts c;
  for (size_t i = 0; i < kFeatureCount; ++i) {
    auto it = j.find(std::string(kFeatureNames[i]));
    if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
      return Error{fmt::format("feature `{}` is missing or not a count", kFeatureNames[i])};
    }
    c.values[i] = it->get<int64_t>();
  }
  return c;
}

std::string_view to_string(Extractor e) { return e == Extractor::GccPlugin ? "gcc-plugin" : "llvm"; }

std::optional<Extractor> extractor_from_string(std::string_view s) {
  if (s == "gcc-plugin") {
    return Extractor::GccPlugin;
  }
  if (s == "llvm") {
    return Extractor::Llvm;
  }
  return std::nullopt;
}

nlohmann::json TuFeatures::to_json() const {
  nlohmann::json fns = nlohmann::json::array();
  for (const auto& f : functions) {
    fns.push_back({{"name", f.name}, {"counts", f.counts.to_json()}});
  }
  nlohmann::json j = {
      {"schema", schema}, {"extractor", to_string(extractor)}, {"counts", total.to_json()}, {"functions", fns}};
  if (!hot.empty()) {
    j["hot"] = hot;
  }
  return j;
}

Expected<TuFeatures> TuFeatures::from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_number_integer()) {
    return Error{"features have no schema version"};
  }
  TuFeatures tu;
  tu.schema = j["schema"].get<int>();
  if (tu.schema != kFeatureSchemaVersion) {
    return Error{fmt::format("feature schema {} is not this llmcc's ({})", tu.schema, kFeatureSchemaVersion)};
  }
  auto ex = j.contains("extractor") && j["extractor"].is_string()
                ? extractor_from_string(j["extractor"].get<std::string>())
                : std::nullopt;
  if (!ex) {
    return Error{"features name no known extractor"};
  }
  tu.extractor = *ex;
  if (j.contains("functions") && j["functions"].is_array()) {
    for (const auto& f : j["functions"]) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("counts")) {
        return Error{"a function's features are malformed"};
      }
      auto counts = FeatureCounts::from_json(f["counts"]);
      if (!counts) {
        return Error{counts.error()};
      }
      tu.functions.push_back({f["name"].get<std::string>(), *counts});
    }
  }
  if (j.contains("hot") && j["hot"].is_object()) {
    for (const auto& [name, share] : j["hot"].items()) {
      if (!share.is_number() || share.get<double>() < 0) {
        return Error{"a hot function's share is not a non-negative number"};
      }
      tu.hot[name] = share.get<double>();
    }
  }
  if (j.contains("counts")) {
    auto total = FeatureCounts::from_json(j["counts"]);
    if (!total) {
      return Error{total.error()};
    }
    tu.total = *total;
  } else {
    // The extractors write functions only; the TU's counts are derived here.
    tu.total = aggregate(tu.functions);
  }
  return tu;
}

FeatureCounts aggregate(const std::vector<FunctionFeatures>& functions) {
  FeatureCounts total;
  for (const auto& f : functions) {
    for (size_t i = 0; i < kFeatureCount; ++i) {
      if (i == index_of(Feature::MaxLoopDepth)) {
        total.values[i] = std::max(total.values[i], f.counts.values[i]);
      } else {
        total.values[i] += f.counts.values[i];
      }
    }
  }
  return total;
}

static bool is_size_count(size_t i) {
  return i == index_of(Feature::Functions) || i == index_of(Feature::BasicBlocks) ||
         i == index_of(Feature::Statements) || i == index_of(Feature::MaxLoopDepth);
}

FeatureVector normalised(const FeatureCounts& c) {
  FeatureVector v{};
  // A TU ten times larger is as far as a shift of 0.23 per statement in one
  // shape count: size matters, but less than shape.
  const double per = static_cast<double>(std::max<int64_t>(1, c[Feature::Statements]));
  for (size_t i = 0; i < kFeatureCount; ++i) {
    double x = static_cast<double>(c.values[i]);
    v[i] = is_size_count(i) ? std::log1p(x) / 10.0 : x / per;
  }
  return v;
}

FeatureVector weighted_vector(const TuFeatures& tu, const std::map<std::string, double>& weights) {
  FeatureVector sum{};
  double total = 0;
  for (const auto& f : tu.functions) {
    auto it = weights.find(f.name);
    if (it == weights.end() || it->second <= 0) {
      continue;
    }
    FeatureVector v = normalised(f.counts);
    for (size_t i = 0; i < kFeatureCount; ++i) {
      sum[i] += it->second * v[i];
    }
    total += it->second;
  }
  if (total <= 0) {
    return normalised(tu.total);
  }
  for (double& x : sum) {
    x /= total;
  }
  return sum;
}

FeatureVector similarity_vector(const TuFeatures& tu) { return weighted_vector(tu, tu.hot); }

double feature_distance(const FeatureVector& a, const FeatureVector& b) {
  double s = 0;
  for (size_t i = 0; i < kFeatureCount; ++i) {
    s += (a[i] - b[i]) * (a[i] - b[i]);
  }
  return std::sqrt(s);
}

double feature_distance(const FeatureCounts& a, const FeatureCounts& b) {
  return feature_distance(normalised(a), normalised(b));
}

} // namespace llmcc
