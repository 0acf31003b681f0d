#include "tuner/stop_request.h"

#include <atomic>

namespace llmcc {

namespace {
std::atomic<int> g_stop{0};
} // namespace

void request_tune_stop() { ++g_stop; }
bool tune_stop_requested() { return g_stop.load() > 0; }
int tune_stop_requests() { return g_stop.load(); }

} // namespace llmcc
