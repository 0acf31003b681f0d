// The optional trial history of a bundle (`llmcc cache export --with-history`):
// every trial the tuning session behind an exported winner ran for its TU, so
// a teammate's `llmcc explain` shows the evidence, not only its summary. A
// section of its own, versioned apart from the bundle (kBundleHistoryVersion),
// because older llmcc ignore keys they do not know: a bundle with history still
// imports there, without it. What travels is what is evidence: config, verdict,
// objective, scores, interval, planner and operator, times; never a trial's
// detail text or object path (compiler messages carry local paths).
#pragma once

#include "cache/bundle/format.h"
#include "cache/local/store.h"
#include "flags/allow_list.h"

#include <map>
#include <optional>
#include <string>

namespace llmcc {

// A trial's per-run scores beyond this are dropped (the summary numbers stay).
inline constexpr size_t kMaxHistorySamples = 1000;

// Whether a trial of this verdict is shared. A config the tuner refused before
// building it (the allow-list: Verdict::Rejected) is no evidence about the TU,
// and its config is what a receiver refuses to store: export leaves such rows
// out and import refuses them, both by this one list.
bool shares_trial_verdict(Verdict v);

// One trial as it travels, for the winner `w` it is evidence of.
nlohmann::json history_entry(const TrialRow& t, const WinnerRecord& w);

// A history row checked field by field and against the allow-list. Pure (the
// fuzz target and unit tests call it). `trial` has no session and its source is
// the project-relative path.
struct HistoryCheck {
  std::optional<TrialRow> trial;
  std::string category; // empty when accepted
  std::string reason;
};
HistoryCheck check_history_entry(const nlohmann::json& row, const Bundle& bundle, const SafetyPolicy& policy,
                                 int64_t now);

// What identifies a trial across databases: two rows alike in this are the same
// trial imported twice.
std::string trial_identity(const TrialRow& t);

struct HistoryReport {
  bool present = false; // the bundle had a history section this llmcc reads
  int added = 0, skipped = 0, rejected = 0;
  std::map<std::string, int> rejected_by_reason;
  nlohmann::json to_json() const;
};

struct HistoryImport {
  std::string origin;    // "bundle" or "remote"
  std::string from;      // the bundle file or (redacted) store URL
  SafetyPolicy policy;
};

// Stores the bundle's history rows that pass check_history_entry() and are not
// here yet, under one imported session per bundle and origin (created only
// when a row is added). Runs inside the caller's transaction.
Status merge_history(Store& store, const Bundle& bundle, const HistoryImport& options, HistoryReport& report);

} // namespace llmcc
