#include "wrapper/config_admission.h"

#include <algorithm>

#include "config/config.h"
#include "util/fs.h"
#include "wrapper/tu_context.h"

namespace llmcc {

SafetyPolicy safety_policy(const Config& config) {
  SafetyPolicy p;
  p.allow_unsafe_math = config.flag("allow_unsafe_math");
  p.allow_errno_math = config.flag("allow_errno_math");
  return p;
}

namespace {

// -fno-math-errno only changes programs that read errno after a libm call; a TU
// whose own source never mentions errno cannot do that (see docs/design.md).
void drop_errno_math_if_needed(TuneConfig& config, const TuContext& tu, Resolution& r) {
  auto it = std::find(config.options.begin(), config.options.end(), "-fno-math-errno");
  if (it == config.options.end()) {
    return;
  }
  auto text = fs::read_file(tu.source_abs);
  if (text && text->find("errno") == std::string::npos) {
    return;
  }
  config.options.erase(it);
  r.notes.push_back("dropped -fno-math-errno: the source mentions errno");
}

} // namespace

std::vector<Violation> admit_config(Resolution& r, const TuContext& tu, const SafetyPolicy& policy) {
  if (!r.config) {
    return {};
  }
  std::vector<Violation> violations = check_config(*r.config, tu.compiler.family, policy);
  if (!violations.empty()) {
    r.notes.push_back("config rejected by the allow-list: " + describe_violations(violations));
    r.config.reset();
    r.how = Resolution::How::Rejected;
    return violations;
  }
  drop_errno_math_if_needed(*r.config, tu, r);
  return {};
}

} // namespace llmcc
