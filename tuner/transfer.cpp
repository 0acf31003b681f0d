#include "tuner/transfer.h"

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
