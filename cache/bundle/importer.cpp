#include "cache/bundle/importer.h"

#include "cache/bundle/field_checks.h"
#include "cache/bundle/profile_entry.h"

#include "util/enum_names.h"
#include "util/fs.h"
#include "util/strings.h"

#include <fmt/format.h>

#include <cmath>

namespace llmcc {

namespace {

using namespace bundle_fields;

constexpr size_t kMaxRationaleChars = 4096;

CompilerFamily family_of(const Bundle& b, const std::string& compiler_id) {
  for (const auto& c : b.compilers) {
    if (c.id == compiler_id) {
      return c.family;
    }
  }
  return CompilerFamily::Unknown;
}

EntryCheck reject(std::string category, std::string detail) {
  EntryCheck c;
  c.category = std::move(category);
  c.reason = detail.empty() ? c.category : c.category + ": " + detail;
  return c;
}

} // namespace

std::string_view to_string(MergeOutcome o) {
  static constexpr EnumNames<MergeOutcome, 4> names = {{
      {MergeOutcome::Added, "added"},
      {MergeOutcome::Replaced, "replaced"},
      {MergeOutcome::Skipped, "skipped"},
      {MergeOutcome::Rejected, "rejected"},
  }};
  return name_of(names, o, "?");
}

nlohmann::json MergeReport::to_json() const {
  nlohmann::json j = {{"added", added},     {"replaced", replaced},
                      {"skipped", skipped}, {"rejected", rejected},
                      {"profiles_restored", profiles_restored},
                      {"dry_run", dry_run}, {"skipped_by_reason", skipped_by_reason},
                      {"rejected_by_reason", rejected_by_reason}, {"entries", nlohmann::json::array()},
                      {"history", history.to_json()}};
  for (const auto& l : lines) {
    j["entries"].push_back({{"outcome", std::string(to_string(l.outcome))}, {"source", l.source_rel}, {"reason", l.reason}});
  }
  return j;
}

bool better_evidenced(const WinnerRecord& a, const WinnerRecord& b) {
  constexpr double kEpsilon = 1e-9;
  if (a.speedup_low > b.speedup_low + kEpsilon) {
    return true;
  }
  if (a.speedup_low < b.speedup_low - kEpsilon) {
    return false;
  }
  return a.trials > b.trials;
}

EntryCheck check_entry(const nlohmann::json& entry, const Bundle& bundle, const SafetyPolicy& policy, int64_t now) {
  if (!entry.is_object()) {
    return reject("malformed", "entry is not an object");
  }
  auto parsed = WinnerRecord::from_json(entry);
  if (!parsed) {
    return reject("malformed", parsed.error().message);
  }
  WinnerRecord w = std::move(*parsed);
  if (!is_hex(w.tu_key) || !is_hex(w.compiler_id)) {
    return reject("bad key", "tu_key and compiler_id must be lower-case hex");
  }
  if (!is_plain_name(w.host_fp, "_-") || !is_plain_name(w.hw_class, "_-./")) {
    return reject("bad host", "host fingerprint or hardware class has characters outside [A-Za-z0-9_./-]");
  }
  if (!is_plain_name(w.objective, "_-")) {
    return reject("bad objective", printable_name(w.objective));
  }
  if (std::string p = path_problem(w.source_rel); !p.empty()) {
    return reject("bad path", p);
  }
  if (w.source_base != fs::base_name(w.source_rel)) {
    return reject("bad path", "source_base is not the path's file name");
  }
  if (!finite_in(w.speedup, 1e-6, 1e6) || !finite_in(w.speedup_low, 0, 1e6) || !finite_in(w.speedup_high, 0, 1e6) ||
      !finite_in(w.baseline, -1e300, 1e300) || !finite_in(w.best, -1e300, 1e300) || w.trials < 0 ||
      w.trials > 1'000'000'000) {
    return reject("bad evidence", "non-finite or out-of-range numbers");
  }
  const CompilerIdentity* compiler = nullptr;
  for (const auto& c : bundle.compilers) {
    if (c.id == w.compiler_id) {
      compiler = &c;
    }
  }
  if (!compiler || compiler->family == CompilerFamily::Unknown) {
    return reject("unknown compiler", "the bundle does not say which compiler family it is for");
  }
  if (auto v = check_config(w.config, compiler->family, policy); !v.empty()) {
    return reject("forbidden config", describe_violations(v));
  }
  if (w.rationale.size() > kMaxRationaleChars) {
    w.rationale.resize(kMaxRationaleChars);
  }
  if (w.created <= 0 || w.created > now + 86400) {
    w.created = now; // a date from the future would outrank every later winner
  }
  w.id = 0;
  w.session_id = 0; // sessions are this database's own
  EntryCheck ok;
  ok.winner = std::move(w);
  return ok;
}

Expected<MergeReport> merge_bundle(Store& store, const DecodedBundle& decoded, const MergeOptions& options) {
  MergeReport report;
  report.dry_run = options.dry_run;
  const Bundle& b = decoded.bundle;
  const int64_t now = now_unix();
  const nlohmann::json provenance = {{"via", options.origin},
                                     {"from", options.from},
                                     {"exported_by", b.provenance.host_fp},
                                     {"exported_class", b.provenance.hw_class},
                                     {"llmcc_version", b.provenance.llmcc_version},
                                     {"exported", b.provenance.created},
                                     {"signature", std::string(to_string(decoded.signature))},
                                     {"imported", now}};
  auto note = [&](MergeOutcome o, const std::string& source, const std::string& reason,
                  std::map<std::string, int>* by_reason, const std::string& category) {
    report.lines.push_back({o, printable_name(source), reason});
    if (by_reason) {
      ++(*by_reason)[category];
    }
  };
  Status s = store.transaction(
      [&]() -> Status {
        for (const auto& entry : b.winners) {
          EntryCheck check = check_entry(entry, b, options.policy, now);
          if (!check.winner) {
            ++report.rejected;
            std::string name = entry.is_object() && entry.contains("source_rel") && entry["source_rel"].is_string()
                                   ? entry["source_rel"].get<std::string>()
                                   : "";
            note(MergeOutcome::Rejected, name, check.reason, &report.rejected_by_reason, check.category);
            continue;
          }
          WinnerRecord w = std::move(*check.winner);
          // This host measured it and it did not hold: a pull must not undo that.
          auto dropped = store.rejection_matching(w);
          if (!dropped) {
            return Status{Error{dropped.error()}};
          }
          if (*dropped) {
            ++report.skipped;
            note(MergeOutcome::Skipped, w.source_rel,
                 fmt::format("{}: {}", kDroppedHereReason, describe_rejection(**dropped)), &report.skipped_by_reason,
                 kDroppedHereReason);
            continue;
          }
          std::optional<BundleProfile> profile;
          if (w.config.uses_profile()) {
            std::string why = options.cache_dir.empty() ? "no state directory to keep its profile in" : "";
            if (why.empty()) {
              profile = bundle_profile_of(entry, w, family_of(b, w.compiler_id), &why);
            }
            if (!profile) {
              ++report.rejected;
              note(MergeOutcome::Rejected, w.source_rel, "bad profile: " + why, &report.rejected_by_reason,
                   "bad profile");
              continue;
            }
          }
          w.origin = options.origin;
          w.provenance = provenance.dump();
          auto existing = store.find_winner_by_key(w.tu_key, w.compiler_id, w.host_fp, w.objective);
          if (!existing) {
            return Status{Error{existing.error()}};
          }
          MergeOutcome outcome = MergeOutcome::Added;
          std::string reason;
          if (*existing) {
            const WinnerRecord& old = **existing;
            if (old.config == w.config) {
              ++report.skipped;
              std::string restored;
              if (profile) {
                auto problem = local_profile_problem(store, options.cache_dir, w.tu_key, *profile);
                if (!problem) {
                  return Status{Error{problem.error()}};
                }
                if (!problem->empty()) {
                  if (!options.dry_run) {
                    if (Status put = store_bundle_profile(store, options.cache_dir, w.tu_key, *profile); !put) {
                      return put;
                    }
                  }
                  ++report.profiles_restored;
                  restored = fmt::format("; its profile was {} (local one: {})",
                                         options.dry_run ? "to be restored" : "restored", *problem);
                }
              }
              note(MergeOutcome::Skipped, w.source_rel, "already here" + restored, &report.skipped_by_reason,
                   "already here");
              continue;
            }
            if (!better_evidenced(w, old)) {
              ++report.skipped;
              note(MergeOutcome::Skipped, w.source_rel,
                   fmt::format("the stored {} (lower bound {:.3f}x, {} trials) is at least as well evidenced",
                               old.config.display(), old.speedup_low, old.trials),
                   &report.skipped_by_reason, "stored winner is better evidenced");
              continue;
            }
            outcome = MergeOutcome::Replaced;
            reason = fmt::format("{} (lower bound {:.3f}x) replaced by {} (lower bound {:.3f}x)", old.config.display(),
                                 old.speedup_low, w.config.display(), w.speedup_low);
          }
          if (profile && !options.dry_run) {
            if (Status put = store_bundle_profile(store, options.cache_dir, w.tu_key, *profile); !put) {
              return put;
            }
          }
          if (Status put = store.put_winner(w); !put) {
            return put;
          }
          if (outcome == MergeOutcome::Added) {
            ++report.added;
            note(outcome, w.source_rel, "", nullptr, "");
          } else {
            ++report.replaced;
            note(outcome, w.source_rel, reason, nullptr, "");
          }
        }
        return merge_history(store, b, HistoryImport{options.origin, options.from, options.policy}, report.history);
      },
      !options.dry_run);
  if (!s) {
    return Error{"import failed, the database is unchanged: " + s.message()};
  }
  return report;
}

} // namespace llmcc
