// The TUs nearest to one TU in feature space, among those with a winner on the
// same hardware class for the same objective, of the same compiler family and
// feature extractor. Pure function, unit-tested.
#pragma once

#include "cache/local/store.h"
#include "features/schema.h"

#include <string>
#include <vector>

namespace llmcc {

struct Neighbour {
  std::string tu_key;
  std::string source_rel;
  double distance = 0;
  std::vector<WinnerRecord> winners; // best confirmed speedup first
};

struct NeighbourQuery {
  std::string tu_key; // left out of its own neighbours
  std::string family; // "gcc", "clang"
  std::string hw_class;
  std::string objective;
  size_t k = 3;
};

std::vector<Neighbour> nearest_neighbours(const TuFeatures& self, const NeighbourQuery& q,
                                          const std::vector<FeatureRow>& rows,
                                          const std::vector<WinnerRecord>& winners);

} // namespace llmcc
