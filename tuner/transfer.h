// Transfer: winners already in the database that seed the search for a TU.
// Pure functions, unit-tested.
#pragma once

#include "cache/records.h"
#include "features/neighbours.h"

#include <string>
#include <vector>

namespace llmcc {

// Winners of the same source (any of its TU keys) on this compiler and hardware
// class, the latest first; winners of other TUs are not transferred.
std::vector<TuneConfig> transfer_seeds(const std::vector<WinnerRecord>& winners, const std::string& compiler_id,
                                       const std::string& hw_class, const std::string& source_rel);

// The same-source seeds, then the winners of the TUs nearest in code features,
// nearest first (each neighbour's best first), every config once. A neighbour's
// winner is only a seed: it is screened and confirmed here like any trial.
std::vector<TuneConfig> with_neighbour_seeds(std::vector<TuneConfig> same_source,
                                             const std::vector<Neighbour>& neighbours);

// How many similar TUs lend their winners (case-based follow-ups of Milepost
// found three neighbours better than one).
inline constexpr size_t kTransferNeighbours = 3;

// What the planners see of the code: the TU's counts and its neighbours with
// their winners (the LLM prompt's features slot).
nlohmann::json planner_features(const TuFeatures& features, const std::vector<Neighbour>& neighbours);

} // namespace llmcc
