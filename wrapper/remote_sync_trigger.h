// The automatic pull (docs/sharing.md, "Automatic sync"): with a `remote`
// configured, a compile looks at one file's mtime and, at most once per
// `remote_sync_interval` seconds, starts a detached `llmcc-tool cache pull
// --background` that it never waits for. No compile talks to a store.
#pragma once

#include "config/config.h"

namespace llmcc {

void maybe_start_remote_sync(const Config& config);

} // namespace llmcc
