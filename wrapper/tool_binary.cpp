#include "wrapper/tool_binary.h"

#include "util/fs.h"

#include <cstdlib>

namespace llmcc {

std::string tool_binary() {
  if (const char* t = std::getenv("LLMCC_TOOL"); t && *t) {
    return t;
  }
  std::string dir = fs::dir_name(fs::self_exe());
  for (const std::string& cand : {dir + "/llmcc-tool", dir + "/../libexec/llmcc/llmcc-tool"}) {
    if (fs::is_executable_file(cand)) {
      return cand;
    }
  }
  return {};
}

} // namespace llmcc
