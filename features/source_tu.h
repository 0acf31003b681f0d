// The TU a source file is, as llmcc recorded its compile: context, compiler
// identity and key, computed as the wrapper and the tuner compute them.
#pragma once

#include "cache/local/store.h"
#include "config/config.h"
#include "wrapper/tu_context.h"

#include <string>

namespace llmcc {

struct SourceTu {
  TuContext tu;
  std::string tu_key;
};

Expected<SourceTu> source_tu(Store& store, const Config& config, const std::string& source);

} // namespace llmcc
