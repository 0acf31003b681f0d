#include "cache/bundle/exporter.h"

#include "cache/bundle/profile_entry.h"
#include "cache/bundle/trial_history.h"

#include "util/fs.h"
#include "util/strings.h"

#include <map>
#include <set>

namespace llmcc {

namespace {

// The project-relative sources compiled in this checkout, from the captured commands.
Expected<std::set<std::string>> sources_of_project(Store& store, const std::string& root) {
  auto compiles = store.commands("compile");
  if (!compiles) {
    return Error{compiles.error()};
  }
  std::string want = fs::real_path(root);
  if (want.empty()) {
    return Error{"no such project directory: " + root};
  }
  std::set<std::string> out;
  for (const auto& c : *compiles) {
    if (fs::real_path(c.project_root) != want) {
      continue;
    }
    if (auto rel = fs::relative_to(c.source, c.project_root)) {
      out.insert(*rel);
    }
  }
  return out;
}

} // namespace

Expected<ExportResult> collect_bundle(Store& store, const ExportFilter& filter, const BundleProvenance& provenance) {
  auto winners = store.winners();
  if (!winners) {
    return Error{winners.error()};
  }
  std::optional<std::set<std::string>> project;
  if (!filter.project_root.empty()) {
    auto p = sources_of_project(store, filter.project_root);
    if (!p) {
      return Error{p.error()};
    }
    project = std::move(*p);
  }
  ExportResult out;
  out.bundle.provenance = provenance;
  if (filter.with_history) {
    out.bundle.history_version = kBundleHistoryVersion;
  }
  std::map<std::string, std::optional<CompilerIdentity>> compilers;
  for (auto& w : *winners) {
    if (!filter.hw_class.empty() && w.hw_class != filter.hw_class) {
      continue;
    }
    if (!filter.compiler_id.empty() && !starts_with(w.compiler_id, filter.compiler_id)) {
      continue;
    }
    if (project && !project->count(w.source_rel)) {
      continue;
    }
    auto [it, fresh] = compilers.try_emplace(w.compiler_id);
    if (fresh) {
      auto c = store.compiler(w.compiler_id);
      if (!c) {
        return Error{c.error()};
      }
      it->second = *c;
      if (*c) {
        out.bundle.compilers.push_back(**c);
      }
    }
    if (!it->second) {
      ++out.without_compiler;
      continue;
    }
    if (w.trials == 0) {
      auto n = store.trial_count(w.tu_key);
      if (!n) {
        return Error{n.error()};
      }
      w.trials = *n;
    }
    nlohmann::json entry = winner_entry(w);
    auto with_profile = add_bundle_profile(store, w, entry);
    if (!with_profile) {
      return Error{with_profile.error()};
    }
    if (!*with_profile) {
      ++out.without_profile;
      continue;
    }
    out.bundle.winners.push_back(std::move(entry));
    if (filter.with_history) {
      auto trials = store.trials_for_tu(w.tu_key);
      if (!trials) {
        return Error{trials.error()};
      }
      // The winner's own session; one with none (stored by hand, or imported
      // winners) shares every trial this database has for the TU.
      for (const auto& t : *trials) {
        if (w.session_id != 0 && t.session_id != w.session_id) {
          continue;
        }
        if (!shares_trial_verdict(t.verdict)) {
          ++out.history_refused;
          continue;
        }
        out.bundle.history.push_back(history_entry(t, w));
        ++out.history_trials;
      }
    }
  }
  return out;
}

} // namespace llmcc
