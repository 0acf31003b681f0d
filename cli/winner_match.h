// Which stored winners (and winners --reconfirm dropped) a source named on the
// command line means, shared by `explain` and `forget` so the two always agree.
#pragma once

#include "cache/local_rejection.h"
#include "cache/records.h"

#include <string>
#include <vector>

namespace llmcc::cli {

// By project-relative path, by the path's tail, else by file name.
std::vector<WinnerRecord> matching_winners(const std::vector<WinnerRecord>& all, const std::string& source);
std::vector<LocalRejection> matching_rejections(const std::vector<LocalRejection>& all, const std::string& source);

} // namespace llmcc::cli
