// Running the extractors on one TU: the GCC plugin for gcc, the LLVM analyser for
// clang, each in one fixed mode (-O1, no debug info) so the counts do not depend
// on the user's -O level. A missing or mismatched extractor degrades to the
// other one, then to none, with one message each; it never fails a compile
// because extraction never runs on a compile, only in `llmcc features`/tuning.
#pragma once

#include "features/schema.h"
#include "wrapper/tu_context.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// Where the extractors are installed: beside llmcc-tool (build/bin, or
// libexec/llmcc), or LLMCC_FEATURES_DIR.
struct ExtractorTools {
  std::string dir;
  std::string plugin() const { return dir + "/llmcc_features.so"; }
  std::string plugin_stamp() const { return dir + "/llmcc_features.gcc"; } // "VERSION TARGET" it was built for
  std::string llvm_helper() const { return dir + "/llmcc-llvm-features"; }
  static ExtractorTools beside_self();
};

struct Extraction {
  std::optional<TuFeatures> features;
  std::vector<std::string> notes; // why an extractor was skipped
};

// The compile's arguments for extraction: no output, dependency files, -c, -O or -g.
std::vector<std::string> extraction_args(const std::vector<std::string>& args);

Extraction extract_features(const TuContext& tu, const ExtractorTools& tools);

// The IR instruction count of the TU after a new-PM pipeline (clang only).
Expected<long> ir_instructions_after(const TuContext& tu, const ExtractorTools& tools, const std::string& pipeline);

} // namespace llmcc
