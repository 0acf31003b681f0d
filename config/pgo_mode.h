// The `pgo` setting: whether `llmcc tune` trains a profile with the benchmark
// and offers profile use as one more candidate dimension.
#pragma once

#include <optional>
#include <string_view>

namespace llmcc {

enum class PgoMode {
  Off,  // never
  On,   // always; a missing tool or a failed training run is said once, loudly
  Auto, // when the compiler's profile tools are there, quietly skipped otherwise
};

std::optional<PgoMode> pgo_mode_from_string(std::string_view s);
std::string_view to_string(PgoMode m);

} // namespace llmcc
