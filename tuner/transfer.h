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

// Leave-one-out on the kernels (docs/benchmarks.md section 7, callgrind
// instructions, gcc and clang): nbody's nearest kernels were 0.33-0.41 (gcc) and
// 0.75-0.78 (clang) away, and their winners, tried first, took the trials of the
// known-good seeds that had found the best within 4 trials of the cold run, so
// the seeded run was behind at trial 4. Two rules follow, both in the
// neighbours' path only: a neighbour seeds only when nearer than
// kSimilarDistance (the TUs a pairwise gcc median of 0.37 calls near; farther
// ones stay evidence in the LLM prompt), and its winners come after the
// planner's core known-good seeds, not before them. The same source's own
// winners still go first.
inline constexpr double kSimilarDistance = 0.3;

// The winners of the neighbours nearer than `max_distance`, nearest first (each
// neighbour's best first), every config once.
std::vector<TuneConfig> neighbour_seeds(const std::vector<Neighbour>& neighbours,
                                        double max_distance = kSimilarDistance);

enum class SeedSource { SameSource, Neighbour, KnownGood };

struct OrderedSeed {
  TuneConfig config;
  SeedSource source = SeedSource::KnownGood;
};

// The built-in planner's seed order: the same source's winners, the first
// `known_good_first` known-good seeds (the planner's core seeds), the
// neighbours' winners, the remaining known-good seeds; a config already placed
// is not placed again.
std::vector<OrderedSeed> seed_order(const std::vector<TuneConfig>& same_source,
                                    const std::vector<TuneConfig>& neighbours,
                                    const std::vector<TuneConfig>& known_good, size_t known_good_first);

// How many similar TUs lend their winners (case-based follow-ups of Milepost
// found three neighbours better than one).
inline constexpr size_t kTransferNeighbours = 3;

// What the planners see of the code: the TU's counts and its neighbours with
// their winners (the LLM prompt's features slot).
nlohmann::json planner_features(const TuFeatures& features, const std::vector<Neighbour>& neighbours);

} // namespace llmcc
