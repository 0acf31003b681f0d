#include "cli/winner_match.h"

#include "util/fs.h"
#include "util/strings.h"

namespace llmcc::cli {

namespace {

// Records with a source_rel and a source_base.
template <typename Record> std::vector<Record> matching(const std::vector<Record>& all, const std::string& source) {
  std::string abs = fs::absolute(source, fs::current_dir());
  std::vector<Record> out;
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

} // namespace

std::vector<WinnerRecord> matching_winners(const std::vector<WinnerRecord>& all, const std::string& source) {
  return matching(all, source);
}

std::vector<LocalRejection> matching_rejections(const std::vector<LocalRejection>& all, const std::string& source) {
  return matching(all, source);
}

} // namespace llmcc::cli
