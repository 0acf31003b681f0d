// The gate between a found configuration and the command line. Every config
// from the database, a trial file, a bundle or a remote passes the central
// allow-list here, on the compile path, right before it is applied.
#pragma once

#include "flags/allow_list.h"
#include "wrapper/config_lookup.h"

#include <vector>

namespace llmcc {

class Config;
struct TuContext;

SafetyPolicy safety_policy(const Config& config);

// Checks `r.config` against the allow-list. On a violation the config is
// dropped (how = Rejected) and the violations are returned; otherwise options
// this TU must not get are removed (-fno-math-errno where the source reads errno).
std::vector<Violation> admit_config(Resolution& r, const TuContext& tu, const SafetyPolicy& policy);

} // namespace llmcc
