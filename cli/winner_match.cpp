#include "cli/winner_match.h"

#include "util/fs.h"
#include "util/strings.h"

namespace llmcc::cli {

std::vector<WinnerRecord> matching_winners(const std::vector<WinnerRecord>& all, const std::string& source) {
  std::string abs = fs::absolute(source, fs::current_dir());
  std::vector<WinnerRecord> out;
  for (const auto& w : all) {
    if (w.source_rel == source || (!w.source_rel.empty() && ends_with(abs, "/" + w.source_rel))) {
      out.push_back(w);
    }
  }
  if (out.empty()) {
    std::string base = fs::base_name(source);
    for (const auto& w : all) {
      if (w.source_base == base) {
        out.push_back(w);
      }
    }
  }
  return out;
}

} // namespace llmcc::cli
