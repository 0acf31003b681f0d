#include "wrapper/config_lookup.h"

#include <fmt/format.h>

#include "cache/local/store.h"
#include "config/config.h"
#include "util/enum_names.h"
#include "util/fs.h"
#include "wrapper/trial_file.h"
#include "wrapper/tu_context.h"
#include "wrapper/tu_key.h"

namespace llmcc {

std::string_view to_string(Resolution::How how) {
  static constexpr EnumNames<Resolution::How, 6> names = {{
      {Resolution::How::None, "none"},
      {Resolution::How::Trial, "trial"},
      {Resolution::How::Baseline, "baseline"},
      {Resolution::How::Exact, "exact"},
      {Resolution::How::Nearest, "nearest"},
      {Resolution::How::Rejected, "rejected"},
  }};
  return name_of(names, how, "none");
}

namespace {

void found(Resolution& r, TuneConfig config, Resolution::How how) {
  r.config = std::move(config);
  r.how = how;
}

// One lookup's answer: the config, and for `llmcc show` the whole winner.
struct Lookup {
  std::optional<TuneConfig> config;
  std::optional<WinnerRecord> winner;
};

Lookup lookup_of(Expected<std::optional<WinnerRecord>> winner) {
  if (!winner || !*winner) {
    return {};
  }
  return {(*winner)->config, std::move(*winner)};
}

Lookup lookup_of(Expected<std::optional<TuneConfig>> config) {
  return config ? Lookup{std::move(*config), std::nullopt} : Lookup{};
}

} // namespace

Resolution resolve_config(Store* store, const Config& config, TuContext& tu, bool for_show) {
  using How = Resolution::How;
  Resolution r;
  std::string trial_error;
  if (auto forced = trial_override(tu.source_abs, &trial_error)) {
    note_trial_seen(tu.source_abs);
    if (!*forced) {
      r.how = How::Baseline;
      r.notes.push_back("tuning session: plain compile (baseline)");
      return r;
    }
    r.notes.push_back("tuning session: trial config");
    found(r, **forced, How::Trial);
    return r;
  }
  if (!trial_error.empty()) {
    r.notes.push_back("trial file ignored: " + trial_error);
  }
  if (!store) {
    r.notes.push_back("no database: plain compile");
    return r;
  }
  const std::string source_base = fs::base_name(tu.source_abs);
  auto any = store->has_winner_for_source(tu.compiler.id, source_base);
  if (!any) {
    r.notes.push_back("lookup failed: " + any.error().message);
    return r;
  }
  // CPUID and sysfs cost a fraction of a millisecond: only when a winner might apply.
  if ((*any || for_show) && tu.host.arch.empty()) {
    tu.host = hw::detect_host();
  }
  auto candidate = *any ? store->has_candidate_winner(tu.compiler.id, tu.host.fingerprint(), tu.host.hw_class(),
                                                      source_base)
                        : Expected<bool>(false);
  if (!candidate) {
    r.notes.push_back("lookup failed: " + candidate.error().message);
    return r;
  }
  if (!*candidate && !for_show) {
    r.notes.push_back(fmt::format("no winner for a source named {} with this compiler ({}) and hardware",
                                  source_base, tu.compiler.id));
    return r;
  }
  auto key = compute_tu_key(tu);
  if (!key) {
    r.notes.push_back("cannot compute the TU key: " + key.error().message);
    return r;
  }
  r.tu_key = *key;
  Lookup exact = for_show ? lookup_of(store->find_winner_exact(*key, tu.compiler.id, tu.host.fingerprint()))
                          : lookup_of(store->winner_config_exact(*key, tu.compiler.id, tu.host.fingerprint()));
  if (exact.config) {
    r.winner = std::move(exact.winner);
    r.notes.push_back(fmt::format("exact match: key {} on host {}", key->substr(0, 12), tu.host.fingerprint()));
    found(r, std::move(*exact.config), How::Exact);
    return r;
  }
  r.notes.push_back(fmt::format("no exact winner for key {}", key->substr(0, 12)));
  if (config.str("lookup") != "nearest") {
    r.notes.push_back("lookup = exact: no fallback");
    return r;
  }
  Lookup nearest = for_show ? lookup_of(store->find_winner_nearest(tu.source_rel, tu.compiler.id, tu.host.hw_class()))
                            : lookup_of(store->winner_config_nearest(tu.source_rel, tu.compiler.id, tu.host.hw_class()));
  if (nearest.config) {
    r.winner = std::move(nearest.winner);
    r.notes.push_back(fmt::format("nearest match: same source {} , compiler and hardware class {}",
                                  tu.source_rel, tu.host.hw_class()));
    found(r, std::move(*nearest.config), How::Nearest);
    return r;
  }
  r.notes.push_back(fmt::format("no winner for {} with this compiler and hardware class", tu.source_rel));
  return r;
}

} // namespace llmcc
