#include "tuner/transfer.h"

#include <algorithm>

namespace llmcc {

std::vector<TuneConfig> transfer_seeds(const std::vector<WinnerRecord>& winners, const std::string& compiler_id,
                                       const std::string& hw_class, const std::string& source_rel) {
  std::vector<TuneConfig> seeds;
  for (const auto& w : winners) {
    if (w.compiler_id != compiler_id || w.hw_class != hw_class) {
      continue;
    }
    // Another key of the same source (the code changed a little, or another
    // build's flags): its winner is the best first guess. A winner of an
    // unrelated TU is not (a dense -O1 exploration config won by a bytecode VM
    // was an n-body loop's first trial); similar TUs come with code features.
    if (w.source_rel == source_rel) {
      seeds.insert(seeds.begin(), w.config); // the latest first
    }
  }
  return seeds;
}

} // namespace llmcc

namespace llmcc {

std::vector<TuneConfig> with_neighbour_seeds(std::vector<TuneConfig> same_source,
                                             const std::vector<Neighbour>& neighbours) {
  std::vector<std::string> seen;
  std::vector<TuneConfig> out;
  auto add = [&](const TuneConfig& c) {
    std::string canon = c.canonical();
    if (std::find(seen.begin(), seen.end(), canon) == seen.end()) {
      seen.push_back(canon);
      out.push_back(c);
    }
  };
  for (const auto& c : same_source) {
    add(c);
  }
  for (const auto& n : neighbours) {
    for (const auto& w : n.winners) {
      add(w.config);
    }
  }
  return out;
}

} // namespace llmcc

namespace llmcc {

std::vector<TuneConfig> neighbour_seeds(const std::vector<Neighbour>& neighbours, double max_distance) {
  std::vector<Neighbour> near;
  for (const auto& n : neighbours) {
    if (n.distance < max_distance) {
      near.push_back(n);
    }
  }
  return with_neighbour_seeds({}, near);
}

std::vector<OrderedSeed> seed_order(const std::vector<TuneConfig>& same_source,
                                    const std::vector<TuneConfig>& neighbours,
                                    const std::vector<TuneConfig>& known_good, size_t known_good_first) {
  std::vector<std::string> seen;
  std::vector<OrderedSeed> out;
  auto add = [&](const TuneConfig& c, SeedSource source) {
    std::string canon = c.canonical();
    if (std::find(seen.begin(), seen.end(), canon) == seen.end()) {
      seen.push_back(canon);
      out.push_back({c, source});
    }
  };
  for (const auto& c : same_source) {
    add(c, SeedSource::SameSource);
  }
  const size_t first = std::min(known_good_first, known_good.size());
  for (size_t i = 0; i < first; ++i) {
    add(known_good[i], SeedSource::KnownGood);
  }
  for (const auto& c : neighbours) {
    add(c, SeedSource::Neighbour);
  }
  for (size_t i = first; i < known_good.size(); ++i) {
    add(known_good[i], SeedSource::KnownGood);
  }
  return out;
}

nlohmann::json planner_features(const TuFeatures& features, const std::vector<Neighbour>& neighbours) {
  nlohmann::json near = nlohmann::json::array();
  for (const auto& n : neighbours) {
    nlohmann::json ws = nlohmann::json::array();
    for (const auto& w : n.winners) {
      ws.push_back({{"config", w.config.display()}, {"speedup", w.speedup}});
    }
    near.push_back({{"source", n.source_rel}, {"distance", n.distance}, {"winners", ws}});
  }
  return {{"extractor", to_string(features.extractor)}, {"counts", features.total.to_json()}, {"neighbours", near}};
}

} // namespace llmcc
