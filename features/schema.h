// One versioned description of a TU's code: the raw counts of
// features/feature_kinds.h per function and per TU, the normalised vector that
// similarity uses, and the distance between two TUs.
#pragma once

#include "features/feature_kinds.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmcc {

struct FeatureCounts {
  std::array<int64_t, kFeatureCount> values{};

  int64_t& operator[](Feature f) { return values[index_of(f)]; }
  int64_t operator[](Feature f) const { return values[index_of(f)]; }
  bool operator==(const FeatureCounts&) const = default;

  nlohmann::json to_json() const; // {"functions": 1, ...}, every name present
  // Every name must be present with a non-negative integer; unknown names are ignored.
  static Expected<FeatureCounts> from_json(const nlohmann::json& j);
};

struct FunctionFeatures {
  std::string name;
  FeatureCounts counts;
};

enum class Extractor { GccPlugin, Llvm };
std::string_view to_string(Extractor e);
std::optional<Extractor> extractor_from_string(std::string_view s);

struct TuFeatures {
  int schema = kFeatureSchemaVersion;
  Extractor extractor = Extractor::GccPlugin;
  FeatureCounts total;
  std::vector<FunctionFeatures> functions;
  // Function -> share of the TU's profiled instructions, when the tuner's profile
  // had the TU (tuner/profile.h): what the TU's similarity vector is weighted by.
  std::map<std::string, double> hot;

  nlohmann::json to_json() const;
  // Refuses another schema version: its counts mean something else.
  static Expected<TuFeatures> from_json(const nlohmann::json& j);
};

// The TU's counts from its functions': sums, except the loop depth (the deepest).
FeatureCounts aggregate(const std::vector<FunctionFeatures>& functions);

using FeatureVector = std::array<double, kFeatureCount>;

// Milepost/cTuning style: the size counts (functions, blocks, statements, loop
// depth) as log(1 + n) / 10, every other count per statement, so two TUs of one
// shape and different size are close.
FeatureVector normalised(const FeatureCounts& c);
// The TU's vector weighted by its hot functions (name -> profile share); functions
// without a weight count nothing. With no positive weight it is normalised(total).
FeatureVector weighted_vector(const TuFeatures& tu, const std::map<std::string, double>& weights);

// What similarity compares: weighted_vector(tu, tu.hot), so a TU whose time goes
// to one loop is described by that loop, and the plain normalised(total) when no
// profile weighed it.
FeatureVector similarity_vector(const TuFeatures& tu);

// Euclidean distance of the normalised vectors.
double feature_distance(const FeatureVector& a, const FeatureVector& b);
double feature_distance(const FeatureCounts& a, const FeatureCounts& b);

} // namespace llmcc
