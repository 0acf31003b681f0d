// llmcc cache: share winners with a team (bundles now; remote stores in cache/remote/).
#include <fmt/format.h>

#include <cstdlib>

#include "cache/bundle/exporter.h"
#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/bundle/signature.h"
#include "cache/remote/circuit_breaker.h"
#include "cache/remote/remote_store.h"
#include "cache/remote/sync.h"
#include "cache/remote/sync_files.h"
#include "cache/remote/sync_lock.h"
#include "cli/sharing_host.h"
#include "cli/tool.h"
#include "hwdetect/host.h"
#include "util/fs.h"
#include "wrapper/config_admission.h"

namespace llmcc::cli {

// The compile path never reads LLMCC_TEST_HOST_FP or LLMCC_TEST_HW_CLASS
// (tests/integration/cache_sync_hosts.sh).
BundleProvenance this_host() {
  hw::HostInfo host = hw::detect_host();
  BundleProvenance p{host.fingerprint(), host.hw_class(), LLMCC_VERSION, now_unix()};
  if (const char* fp = std::getenv("LLMCC_TEST_HOST_FP"); fp && *fp) {
    p.host_fp = fp;
  }
  if (const char* c = std::getenv("LLMCC_TEST_HW_CLASS"); c && *c) {
    p.hw_class = c;
  }
  return p;
}

namespace {

int fail(const std::string& message) {
  fmt::print(stderr, "llmcc: error: {}\n", message);
  return 1;
}

void print_report(const MergeReport& r, bool json) {
  if (json) {
    fmt::print("{}\n", r.to_json().dump(2));
    return;
  }
  // Winners this host dropped are named in the count: a skip that says "we
  // measured this and it did not hold" is not the same as "already here".
  std::string dropped;
  if (auto it = r.skipped_by_reason.find(kDroppedHereReason); it != r.skipped_by_reason.end()) {
    dropped = it->second == r.skipped ? fmt::format(" ({})", kDroppedHereReason)
                                      : fmt::format(" ({} {})", it->second, kDroppedHereReason);
  }
  fmt::print("{}added {}, replaced {}, skipped {}{}, rejected {}{}\n", r.dry_run ? "dry run: would have " : "",
             r.added, r.replaced, r.skipped, dropped, r.rejected,
             r.profiles_restored > 0 ? fmt::format("; restored {} profile(s)", r.profiles_restored) : "");
  for (const auto& l : r.lines) {
    if (l.outcome != MergeOutcome::Added) {
      fmt::print("  {} {}: {}\n", to_string(l.outcome), l.source_rel.empty() ? "?" : l.source_rel, l.reason);
    }
  }
  if (r.history.present) {
    fmt::print("trial history: {}added {}, skipped {} (already here), rejected {}\n", r.dry_run ? "would have " : "",
               r.history.added, r.history.skipped, r.history.rejected);
    for (const auto& [reason, n] : r.history.rejected_by_reason) {
      fmt::print("  rejected {} trial(s): {}\n", n, reason);
    }
  }
}

struct ExportArgs {
  ExportFilter filter;
  std::string output;
};

struct RemoteArgs {
  std::string remote; // overrides the `remote` setting
  std::string hw_class;
  bool dry_run = false;
  bool background = false;
};

// The stores to talk to: --remote, else the `remote` setting.
Expected<std::vector<RemoteSpec>> remote_specs(const ToolContext& ctx, const RemoteArgs& a) {
  std::string setting = a.remote.empty() ? ctx.config().str("remote") : a.remote;
  auto specs = parse_remote_setting(setting);
  if (specs && specs->empty()) {
    return Error{"no remote store configured (llmcc config set remote URL, LLMCC_REMOTE or --remote URL; "
                 "see docs/sharing.md)"};
  }
  return specs;
}

void print_outcome(const StoreOutcome& o, bool pull) {
  if (o.skipped) {
    fmt::print(stderr, "llmcc: warning: {}: {}\n", o.store, o.message);
    return;
  }
  if (o.failure != RemoteFailure::None) {
    fmt::print(stderr, "llmcc: warning: {}: {} ({}){}\n", o.store, o.message, to_string(o.failure),
               o.fell_back_to_read_only ? "; using it read-only from now on" : "");
    // Some entries were bad, the others merged: say what did come in as well.
    if (!(pull && o.merged)) {
      return;
    }
  }
  if (pull) {
    if (!o.merged) {
      fmt::print("{}: {}\n", o.store, o.message);
      return;
    }
    fmt::print("{}: {} winner(s): ", o.store, o.winners);
    print_report(*o.merged, false);
    return;
  }
  std::string withdrawn;
  if (o.withdrawn > 0) {
    withdrawn = fmt::format("; {} dropped winner{} withdrawn", o.withdrawn, o.withdrawn == 1 ? "" : "s");
  }
  fmt::print("{}: {}{}\n", o.store,
             o.message.empty() ? fmt::format("pushed, {} winner(s) stored", o.winners) : o.message, withdrawn);
}

void count(Store& store, const std::vector<StoreOutcome>& outcomes, bool pull) {
  auto counters = remote_counters(outcomes, pull);
  if (!counters.empty()) {
    (void)store.record(std::nullopt, counters);
  }
}

struct ImportArgs {
  std::string input;
  bool dry_run = false;
  bool json = false;
};

} // namespace

void register_cache(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("cache", "share winners: export/import bundles, push/pull remote stores; stats, gc, clear, vacuum (docs/sharing.md)");
  cmd->require_subcommand(1);
  register_cache_hygiene(*cmd, ctx, out); // stats, gc, clear, vacuum (cli/cmd_cache_hygiene.cpp)

  auto* exp = cmd->add_subcommand("export", "write winners, their evidence and provenance to a bundle file");
  auto ea = std::make_shared<ExportArgs>();
  exp->add_option("-o,--output", ea->output, "bundle file to write (e.g. team.llmcc)")->required();
  exp->add_option("--hw-class", ea->filter.hw_class, "only winners of this hardware class (see llmcc hw)");
  exp->add_option("--compiler", ea->filter.compiler_id, "only winners of this compiler id (or id prefix)");
  exp->add_option("--project", ea->filter.project_root, "only winners of TUs compiled in this checkout");
  exp->add_flag("--with-history", ea->filter.with_history,
                "also write the trials behind each winner (its session's, for its TU), for llmcc explain");
  out.push_back({exp, [&ctx, ea] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   auto collected = collect_bundle(*store, ea->filter, this_host());
                   if (!collected) {
                     return fail(collected.error().message);
                   }
                   auto key = team_key_from_env();
                   auto bytes = encode_bundle(collected->bundle, key);
                   if (!bytes) {
                     return fail(bytes.error().message);
                   }
                   if (Status s = fs::write_file_atomic(ea->output, *bytes); !s) {
                     return fail(s.message());
                   }
                   fmt::print("exported {} winner(s) to {} ({} bytes, {})\n", collected->bundle.winners.size(),
                              ea->output, bytes->size(), key ? "signed with LLMCC_TEAM_KEY" : "unsigned");
                   if (ea->filter.with_history) {
                     fmt::print("with the trial history: {} trial(s){}\n", collected->history_trials,
                                collected->history_refused
                                    ? fmt::format(" (left out {} the tuner refused or could not measure)",
                                                  collected->history_refused)
                                    : "");
                   }
                   if (collected->without_compiler) {
                     fmt::print("left out {} winner(s) whose compiler this database does not know\n",
                                collected->without_compiler);
                   }
                   if (collected->without_profile) {
                     fmt::print("left out {} PGO winner(s) whose profile cannot travel with them\n",
                                collected->without_profile);
                   }
                   return 0;
                 }});

  auto* imp = cmd->add_subcommand("import", "merge a bundle's winners into this database");
  auto ia = std::make_shared<ImportArgs>();
  imp->add_option("bundle", ia->input, "bundle file (from llmcc cache export)")->required();
  imp->add_flag("--dry-run", ia->dry_run, "report what would change, change nothing");
  imp->add_flag("--json", ia->json, "print the report as JSON");
  out.push_back({imp, [&ctx, ia] {
                   auto decoded = read_bundle_file(ia->input, team_key_from_env());
                   if (!decoded) {
                     return fail(fmt::format("{}: {} (nothing imported)", ia->input, decoded.error().message));
                   }
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   MergeOptions options;
                   options.origin = "bundle";
                   options.from = fs::real_path(ia->input);
                   options.policy = safety_policy(ctx.config());
                   options.dry_run = ia->dry_run;
                   options.cache_dir = ctx.config().cache_dir();
                   const auto& p = decoded->bundle.provenance;
                   if (!ia->json) {
                     fmt::print("{}: {} winner(s) from host {} ({}), llmcc {}, {}\n", ia->input,
                                decoded->bundle.winners.size(), p.host_fp, p.hw_class, p.llmcc_version,
                                to_string(decoded->signature));
                     if (!decoded->bundle.history_note.empty()) {
                       fmt::print("{}: {}\n", ia->input, decoded->bundle.history_note);
                     }
                   }
                   auto report = merge_bundle(*store, *decoded, options);
                   if (!report) {
                     return fail(report.error().message);
                   }
                   print_report(*report, ia->json);
                   return 0;
                 }});

  auto* push = cmd->add_subcommand("push", "merge this database's winners into the remote stores");
  auto pa = std::make_shared<RemoteArgs>();
  push->add_option("--remote", pa->remote, "store URL(s), overriding the `remote` setting");
  push->add_option("--hw-class", pa->hw_class, "only winners of this hardware class");
  out.push_back({push, [&ctx, pa] {
                   auto specs = remote_specs(ctx, *pa);
                   if (!specs) {
                     return fail(specs.error().message);
                   }
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   ExportFilter filter;
                   filter.hw_class = pa->hw_class;
                   auto collected = collect_bundle(*store, filter, this_host());
                   if (!collected) {
                     return fail(collected.error().message);
                   }
                   // What --reconfirm dropped here is withdrawn from this host's entries.
                   auto dropped = store->rejections();
                   if (!dropped) {
                     return fail(fmt::format("cannot read the winners tune --reconfirm dropped here: {}",
                                             dropped.error().message));
                   }
                   std::erase_if(*dropped, [&](const LocalRejection& r) {
                     return !pa->hw_class.empty() && r.hw_class != pa->hw_class;
                   });
                   if (collected->bundle.winners.empty() && dropped->empty()) {
                     fmt::print("no winners to push\n");
                     return 0;
                   }
                   auto store_id = store->store_id();
                   if (!store_id) {
                     return fail(store_id.error().message);
                   }
                   int failed = 0;
                   std::vector<StoreOutcome> all;
                   // One sync at a time per cache directory; it guards the breaker's file too.
                   const std::string dir = ctx.config().cache_dir();
                   auto lock = SyncLock::acquire(dir, true);
                   auto breaker = CircuitBreaker::load(dir + "/" + kBreakerFile);
                   for (const auto& spec : *specs) {
                     const int64_t now = now_unix();
                     if (breaker.is_read_only(spec.redacted(), now)) {
                       StoreOutcome o;
                       o.store = spec.redacted();
                       o.skipped = true;
                       o.message = fmt::format("refused a write; used read-only for another {} s: not pushed",
                                               breaker.state(o.store).read_only_until - now);
                       print_outcome(o, false);
                       ++failed;
                       all.push_back(std::move(o));
                       continue;
                     }
                     auto remote = open_remote_store(spec);
                     if (!remote) {
                       return fail(remote.error().message);
                     }
                     for (auto& o :
                          push_to_store(**remote, collected->bundle, *dropped, *store_id, team_key_from_env())) {
                       print_outcome(o, false);
                       failed += o.failure != RemoteFailure::None ? 1 : 0;
                       breaker.record(o.store, o.failure, true, now_unix());
                       all.push_back(std::move(o));
                     }
                   }
                   (void)breaker.save();
                   count(*store, all, false);
                   return failed ? 1 : 0;
                 }});

  auto* pull = cmd->add_subcommand("pull", "merge the remote stores' winners for this hardware class into this database");
  auto la = std::make_shared<RemoteArgs>();
  pull->add_option("--remote", la->remote, "store URL(s), overriding the `remote` setting");
  pull->add_option("--hw-class", la->hw_class, "pull this class instead of this host's");
  pull->add_flag("--dry-run", la->dry_run, "report what would change, change nothing");
  pull->add_flag("--background", la->background,
                 "the automatic sync the wrapper starts: exits at once when another sync runs, skips stores "
                 "whose circuit breaker is open");
  out.push_back({pull, [&ctx, la] {
                   auto specs = remote_specs(ctx, *la);
                   if (!specs) {
                     return la->background ? 0 : fail(specs.error().message);
                   }
                   const std::string dir = ctx.config().cache_dir();
                   auto lock = SyncLock::acquire(dir, !la->background);
                   if (!lock && la->background) {
                     return 0; // another process syncs now
                   }
                   if (la->background) {
                     touch_sync_stamp(dir);
                   }
                   Store* store = ctx.store();
                   if (!store) {
                     return la->background ? 0 : 1;
                   }
                   std::string hw_class = la->hw_class.empty() ? this_host().hw_class : la->hw_class;
                   MergeOptions options;
                   options.policy = safety_policy(ctx.config());
                   options.dry_run = la->dry_run;
                   options.cache_dir = ctx.config().cache_dir();
                   auto breaker = CircuitBreaker::load(dir + "/" + kBreakerFile);
                   std::vector<StoreOutcome> all;
                   for (const auto& spec : *specs) {
                     const int64_t now = now_unix();
                     if (la->background && breaker.is_open(spec.redacted(), now)) {
                       StoreOutcome o;
                       o.store = spec.redacted();
                       o.skipped = true;
                       const BreakerState& b = breaker.state(o.store);
                       o.message = fmt::format(
                           "circuit breaker open after {} failure(s) in a row: skipped for another {} s", b.failures,
                           b.open_until - now);
                       all.push_back(std::move(o));
                       print_outcome(all.back(), true);
                       continue;
                     }
                     auto remote = open_remote_store(spec);
                     if (!remote) {
                       return fail(remote.error().message);
                     }
                     all.push_back(pull_from_store(**remote, *store, hw_class, options, team_key_from_env()));
                     breaker.record(all.back().store, all.back().failure, false, now_unix());
                     print_outcome(all.back(), true);
                   }
                   (void)breaker.save();
                   count(*store, all, true);
                   // A dead store never fails the build that runs this: warned about and counted.
                   return 0;
                 }});
}

} // namespace llmcc::cli
