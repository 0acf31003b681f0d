// This host as the sharing commands name it (fingerprint, hardware class):
// `cache push/pull/export` and `tune`'s host claims. LLMCC_TEST_HOST_FP and
// LLMCC_TEST_HW_CLASS let one machine play several hosts in the tests.
#pragma once

#include "cache/bundle/format.h"

namespace llmcc::cli {

BundleProvenance this_host();

} // namespace llmcc::cli
