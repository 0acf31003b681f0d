#include "tuner/transfer.h"

namespace llmcc {

std::vector<TuneConfig> transfer_seeds(const std::vector<WinnerRecord>& winners, const std::string& compiler_id,
                                       const std::string& hw_class, const std::string& source_rel) {
  std::vector<TuneConfig> seeds;
  for (const auto& w : winners) {
    if (w.compiler_id != compiler_id || w.hw_class != hw_class) {
      continue;
    }
    if (w.source_rel == source_rel) {
      seeds.insert(seeds.begin(), w.config);
    } else if (seeds.size() < 5) {
      seeds.push_back(w.config);
    }
  }
  return seeds;
}

} // namespace llmcc
