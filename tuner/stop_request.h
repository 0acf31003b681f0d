// Ctrl-C during `llmcc tune`: the first request finishes the current step and
// keeps confirmed winners; the second also skips the remaining confirmations.
#pragma once

namespace llmcc {

// Async-signal-safe: called from the SIGINT handler.
void request_tune_stop();
bool tune_stop_requested();
// How many times the user asked (2: stop now).
int tune_stop_requests();

} // namespace llmcc
