// Host claims for `llmcc tune` (docs/sharing.md): before tuning a TU, claim it
// in the team's store so other hosts of the class skip it.
#pragma once

#include <memory>

#include "config/config.h"
#include "tuner/tu_claims.h"

namespace llmcc::cli {

// The `claims` setting: on, off, or auto (on when a writable store is configured).
// nullptr when claims are off or cannot be had (warned about once); tuning then
// goes on unclaimed.
std::unique_ptr<TuClaims> open_claims(const Config& config, bool no_claims);

} // namespace llmcc::cli
