#include "features/neighbours.h"

#include <algorithm>

namespace llmcc {

std::vector<Neighbour> nearest_neighbours(const TuFeatures& self, const NeighbourQuery& q,
                                          const std::vector<FeatureRow>& rows,
                                          const std::vector<WinnerRecord>& winners) {
  const FeatureVector me = similarity_vector(self);
  std::vector<Neighbour> out;
  for (const auto& row : rows) {
    if (row.tu_key == q.tu_key || row.family != q.family || row.extractor != to_string(self.extractor)) {
      continue;
    }
    auto other = TuFeatures::from_json(nlohmann::json::parse(row.json, nullptr, false));
    if (!other) {
      continue;
    }
    Neighbour n;
    n.tu_key = row.tu_key;
    n.source_rel = row.source_rel;
    n.distance = feature_distance(me, similarity_vector(*other));
    for (const auto& w : winners) {
      if (w.tu_key == row.tu_key && w.hw_class == q.hw_class && w.objective == q.objective) {
        n.winners.push_back(w);
      }
    }
    if (n.winners.empty()) {
      continue; // nothing to learn from
    }
    std::stable_sort(n.winners.begin(), n.winners.end(),
                     [](const WinnerRecord& a, const WinnerRecord& b) { return a.speedup > b.speedup; });
    out.push_back(std::move(n));
  }
  // Ties by source so the order is the same on every run.
  std::stable_sort(out.begin(), out.end(), [](const Neighbour& a, const Neighbour& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.source_rel < b.source_rel;
  });
  if (out.size() > q.k) {
    out.resize(q.k);
  }
  return out;
}

} // namespace llmcc
