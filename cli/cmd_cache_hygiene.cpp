// llmcc cache stats | gc | clear | vacuum: what the database holds and keeping
// it small (cache/local/gc.h decides what gc drops).
#include <fmt/format.h>

#include "cache/local/gc.h"
#include "cli/tool.h"
#include "util/fs.h"

#include <cctype>
#include <cstring>

namespace llmcc::cli {

namespace {

int fail(const std::string& message, int code = 1) {
  fmt::print(stderr, "llmcc: error: {}\n", message);
  return code;
}

// A non-negative count and what follows it ("100M" -> 100, "M").
std::optional<std::pair<int64_t, std::string>> count_and_unit(const std::string& text) {
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  if (n < 0) {
    return std::nullopt;
  }
  return std::pair<int64_t, std::string>{n, text.substr(used)};
}

// "1048576", "512K", "100M", "2G" (powers of 1024).
std::optional<int64_t> parse_size(const std::string& text) {
  auto parsed = count_and_unit(text);
  if (!parsed) {
    return std::nullopt;
  }
  const auto& [n, unit] = *parsed;
  const std::pair<const char*, int64_t> units[] = {{"", 1}, {"K", 1024}, {"M", 1024 * 1024}, {"G", 1024 * 1024 * 1024}};
  for (const auto& [name, factor] : units) {
    if (unit.size() == std::strlen(name) && (unit.empty() || std::toupper(unit[0]) == name[0])) {
      return n * factor;
    }
  }
  return std::nullopt;
}

// "30" or "30d": days.
std::optional<int64_t> parse_days(const std::string& text) {
  auto parsed = count_and_unit(text);
  if (!parsed || !(parsed->second.empty() || parsed->second == "d")) {
    return std::nullopt;
  }
  return parsed->first;
}

std::string compiler_text(Store& store, const std::string& id) {
  auto c = store.compiler(id);
  if (c && *c) {
    return fmt::format("{} {} ({})", family_name((*c)->family), (*c)->version, id.substr(0, 12));
  }
  return id.substr(0, 12);
}

int64_t file_bytes(const std::string& path) {
  fs::FileStamp st = fs::stamp(path);
  return st.ok() ? st.size : 0;
}

// A database file and its WAL together: what it takes on disk.
int64_t disk_bytes(const std::string& path) { return file_bytes(path) + file_bytes(path + "-wal"); }

std::string winner_line(Store& store, const WinnerRecord& w) {
  return fmt::format("  {}  {}  {}  {}", w.source_rel, compiler_text(store, w.compiler_id), w.hw_class, w.origin);
}

struct GcArgs {
  std::string max_size, max_age;
  bool dry_run = false;
};

struct ClearArgs {
  bool winners = false, trials = false, all = false, yes = false;
};

int run_stats(Store& store) {
  if (Status s = store.open_tuning(); !s) {
    return fail(s.message());
  }
  auto counts = store.winner_counts();
  auto history = store.history_counts();
  if (!counts || !history) {
    return fail(!counts ? counts.error().message : history.error().message);
  }
  int64_t total = 0;
  std::vector<std::vector<std::string>> rows = {{"hw class", "compiler", "origin", "winners"}};
  for (const auto& c : *counts) {
    total += c.winners;
    rows.push_back({c.hw_class, compiler_text(store, c.compiler_id), c.origin, std::to_string(c.winners)});
  }
  fmt::print("winners: {}\n", total);
  if (total > 0) {
    fmt::print("{}", format_table(rows));
  }
  fmt::print("trial history: {} session(s), {} trial(s)\n", history->sessions, history->trials);
  fmt::print("profiles: {}, LLM replies: {}, captured commands: {}\n", history->profiles, history->llm_replies,
             history->commands);
  fmt::print("files: {} {} bytes, {} {} bytes (with their WAL)\n", store.path(), disk_bytes(store.path()),
             store.tuning_path(), disk_bytes(store.tuning_path()));
  return 0;
}

int run_gc(Store& store, const GcArgs& a) {
  GcOptions o;
  o.dry_run = a.dry_run;
  if (!a.max_size.empty()) {
    o.max_bytes = parse_size(a.max_size);
    if (!o.max_bytes) {
      return fail(fmt::format("--max-size {}: not a size (bytes, or with K, M, G)", a.max_size), 2);
    }
  }
  if (!a.max_age.empty()) {
    auto days = parse_days(a.max_age);
    if (!days) {
      return fail(fmt::format("--max-age {}: not a number of days", a.max_age), 2);
    }
    o.max_age_sec = *days * 86400;
  }
  if (Status s = store.open_tuning(); !s) {
    return fail(s.message());
  }
  const int64_t files_before = disk_bytes(store.path()) + disk_bytes(store.tuning_path());
  auto r = collect_garbage(store, o);
  if (!r) {
    return fail(r.error().message);
  }
  const char* verb = a.dry_run ? "would drop" : "dropped";
  if (a.dry_run) {
    fmt::print("dry run: nothing is changed\n");
  }
  if (o.max_age_sec) {
    fmt::print("older than {} day(s): {} {} session(s) with {} trial(s), {} LLM reply(ies)\n", *o.max_age_sec / 86400,
               verb, r->by_age.sessions, r->by_age.trials, r->by_age.llm_replies);
  }
  fmt::print("compilers no longer installed: {} {} winner(s)\n", verb, r->dropped_winners.size());
  for (const auto& w : r->dropped_winners) {
    fmt::print("{}\n", winner_line(store, w));
  }
  fmt::print("compilers no longer installed: {} {} record(s) of winners tune --reconfirm dropped here\n", verb,
             r->dropped_rejections.size());
  for (const auto& rec : r->dropped_rejections) {
    fmt::print("  {}  {}  {}  {} on {}\n", rec.source_rel, compiler_text(store, rec.compiler_id), rec.hw_class,
               rec.config.display(), rec.objective);
  }
  if (!r->kept_pulled.empty()) {
    fmt::print("kept {} winner(s) of compilers no longer installed: pulled from a remote store, which still serves "
               "them (llmcc forget drops one here; delete it from the store to drop it for everyone)\n",
               r->kept_pulled.size());
    for (const auto& w : r->kept_pulled) {
      fmt::print("{}\n", winner_line(store, w));
    }
  }
  if (o.max_bytes) {
    fmt::print("over {} bytes: {} {} session(s) with {} trial(s), {} LLM reply(ies)\n", *o.max_bytes, verb,
               r->by_size.sessions, r->by_size.trials, r->by_size.llm_replies);
    if (r->over_limit) {
      fmt::print("still over {} bytes: only winners are left, and gc never drops a winner for size\n", *o.max_bytes);
    }
  }
  const int64_t files_after = disk_bytes(store.path()) + disk_bytes(store.tuning_path());
  fmt::print("in use: {} -> {} bytes; files: {} -> {} bytes\n", r->before.total(), r->after.total(), files_before,
             a.dry_run ? files_before : files_after);
  return 0;
}

int run_clear(ToolContext& ctx, const ClearArgs& a) {
  std::vector<std::string> what;
  if (a.winners || a.all) {
    what.push_back("winners");
  }
  if (a.trials || a.all) {
    what.push_back("trial history");
  }
  if (a.all) {
    what.push_back("LLM replies and profile records");
    what.push_back("counters");
  }
  if (what.empty()) {
    return fail("cache clear: name what to clear: --winners, --trials or --all", 2);
  }
  std::string list = fmt::format("{}", fmt::join(what, ", "));
  if (!a.yes) {
    return fail(fmt::format("cache clear drops {} for good: add --yes to do it", list), 2);
  }
  Store* store = ctx.store();
  if (!store) {
    return 1;
  }
  if (Status s = store->open_tuning(); !s) {
    return fail(s.message());
  }
  Status s = store->transaction([&]() -> Status {
    if (a.winners || a.all) {
      if (Status st = store->clear_winners(); !st) {
        return st;
      }
      // With no winner left, what --reconfirm dropped is no longer a decision to keep.
      if (Status st = store->clear_rejections(); !st) {
        return st;
      }
    }
    if (a.trials || a.all) {
      if (Status st = store->clear_trial_history(); !st) {
        return st;
      }
    }
    if (a.all) {
      if (Status st = store->clear_tool_caches(); !st) {
        return st;
      }
      return store->reset_stats();
    }
    return {};
  });
  if (!s) {
    return fail(s.message());
  }
  if (Status v = store->vacuum(); !v) {
    return fail(v.message());
  }
  fmt::print("cleared: {}\n", list);
  return 0;
}

int run_vacuum(Store& store) {
  if (Status s = store.open_tuning(); !s) {
    return fail(s.message());
  }
  const int64_t main_before = disk_bytes(store.path()), tuning_before = disk_bytes(store.tuning_path());
  if (Status s = store.vacuum(); !s) {
    return fail(s.message());
  }
  fmt::print("{}: {} -> {} bytes\n{}: {} -> {} bytes\n", store.path(), main_before, disk_bytes(store.path()),
             store.tuning_path(), tuning_before, disk_bytes(store.tuning_path()));
  return 0;
}

} // namespace

void register_cache_hygiene(CLI::App& cache, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* stats = cache.add_subcommand("stats", "what the database holds: winners by class, compiler and origin, trials, sizes");
  out.push_back({stats, [&ctx] {
                   Store* store = ctx.store();
                   return store ? run_stats(*store) : 1;
                 }});

  auto* gc = cache.add_subcommand("gc", "drop old trial history and winners of compilers no longer installed");
  gc->footer("Trial history older than --max-age goes first, then winners whose compiler binary is gone\n"
             "(pulled winners are listed, not dropped) with the records of winners tune --reconfirm dropped\n"
             "for it, then the oldest sessions and LLM replies until the\n"
             "pages in use fit --max-size. Winners are never dropped for size.");
  auto ga = std::make_shared<GcArgs>();
  gc->add_option("--max-size", ga->max_size, "keep the pages in use under this size (bytes, or 100M, 1G)");
  gc->add_option("--max-age", ga->max_age, "drop trial history and LLM replies older than this many days");
  gc->add_flag("--dry-run", ga->dry_run, "say what would be dropped, drop nothing");
  out.push_back({gc, [&ctx, ga] {
                   Store* store = ctx.store();
                   return store ? run_gc(*store, *ga) : 1;
                 }});

  auto* clear = cache.add_subcommand("clear", "empty the database's winners, trial history or everything tuned");
  auto ca = std::make_shared<ClearArgs>();
  clear->add_flag("--winners", ca->winners,
                  "every winner, and the record of those tune --reconfirm dropped (the next build compiles as the "
                  "build says)");
  clear->add_flag("--trials", ca->trials, "every session and its trials (winners stay)");
  clear->add_flag("--all", ca->all, "winners, trial history, LLM replies, profile records and counters");
  clear->add_flag("--yes", ca->yes, "really do it");
  out.push_back({clear, [&ctx, ca] { return run_clear(ctx, *ca); }});

  auto* vacuum = cache.add_subcommand("vacuum", "rebuild both database files without their free pages");
  out.push_back({vacuum, [&ctx] {
                   Store* store = ctx.store();
                   return store ? run_vacuum(*store) : 1;
                 }});
}

} // namespace llmcc::cli
