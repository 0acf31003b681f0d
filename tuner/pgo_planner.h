// Profile use as one more dimension of any planner's search. The wrapped
// planner searches flags as always; this adds, for the TU's trained profile,
// the user's own flags with the profile (PGO alone) first, then the same config
// with the profile for every plain config that is the best so far (tuned+PGO).
// Profile trials are not shown to the wrapped planner: it never proposed them,
// and its model is of flags alone.
#pragma once

#include "tuner/planner.h"

#include <memory>

namespace llmcc {

std::unique_ptr<Planner> with_profile_use(std::unique_ptr<Planner> inner);

} // namespace llmcc
