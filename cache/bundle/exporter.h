// Collecting the winners to share into a Bundle (llmcc cache export, push).
#pragma once

#include "cache/bundle/format.h"
#include "cache/local/store.h"

#include <string>
#include <vector>

namespace llmcc {

struct ExportFilter {
  std::string hw_class;     // "" = every class
  std::string compiler_id;  // "" = every compiler; else an id or a unique prefix of one
  std::string project_root; // "" = every project; else winners of TUs compiled in this checkout
  // Adds each exported winner's trials (its session's, for its TU) as the
  // bundle's history section (cache/bundle/trial_history.h).
  bool with_history = false;
};

struct ExportResult {
  Bundle bundle;
  // Winners left out because this database does not know their compiler (the
  // receiver could not check their configs against the right allow-list).
  int without_compiler = 0;
  // PGO winners left out because their profile cannot travel with them (not
  // in this state directory, altered, or over kMaxBundleProfileBytes).
  int without_profile = 0;
  int history_trials = 0;
  // Trials left out of the history because the tuner refused their config
  // (shares_trial_verdict in cache/bundle/trial_history.h).
  int history_refused = 0;
};

Expected<ExportResult> collect_bundle(Store& store, const ExportFilter& filter, const BundleProvenance& provenance);

} // namespace llmcc
