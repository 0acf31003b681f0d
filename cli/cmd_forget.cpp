// llmcc forget <source> | --all-from-session N: removes winners, so the next
// build compiles those TUs as the build says. The trials stay: they are the
// evidence `explain` and the report show, and what a later session learns from.
#include <fmt/format.h>

#include "cli/tool.h"
#include "cli/winner_match.h"
#include "util/strings.h"

namespace llmcc::cli {

void register_forget(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("forget", "remove the tuned configs of a source or of a session (trials are kept)");
  cmd->footer("Examples:\n  llmcc forget src/kernel.c          # the next build compiles kernel.c plainly\n"
              "  llmcc forget --all-from-session 3   # every winner session 3 stored");
  auto source = std::make_shared<std::string>();
  auto session = std::make_shared<int64_t>(0);
  auto json = std::make_shared<bool>(false);
  auto* src_opt = cmd->add_option("source", *source, "source file (path or project-relative)");
  cmd->add_option("--all-from-session", *session, "every winner this tuning session stored")
      ->check(CLI::PositiveNumber)
      ->excludes(src_opt);
  cmd->add_flag("--json", *json, "print the removed winners as JSON");
  out.push_back({cmd, [&ctx, source, session, json] {
                   if (source->empty() && *session == 0) {
                     fmt::print(stderr, "llmcc: forget: name a source or --all-from-session N\n");
                     return 2;
                   }
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   auto winners = store->winners();
                   if (!winners) {
                     fmt::print(stderr, "llmcc: error: {}\n", winners.error().message);
                     return 1;
                   }
                   std::vector<WinnerRecord> found;
                   if (*session) {
                     for (const auto& w : *winners) {
                       if (w.session_id == *session) {
                         found.push_back(w);
                       }
                     }
                   } else {
                     found = matching_winners(*winners, *source);
                   }
                   if (found.empty()) {
                     std::string what = *session ? fmt::format("session {}", *session) : *source;
                     fmt::print(stderr, "llmcc: no tuned configuration for {}: nothing to forget (see llmcc winners)\n",
                                what);
                     return 1;
                   }
                   nlohmann::json j = nlohmann::json::array();
                   for (const auto& w : found) {
                     if (Status s = store->delete_winner(w.id); !s) {
                       fmt::print(stderr, "llmcc: error: {}\n", s.message());
                       return 1;
                     }
                     auto trials = store->trials_for_tu(w.tu_key);
                     size_t kept = trials ? trials->size() : 0;
                     if (*json) {
                       nlohmann::json e = w.to_json();
                       e["id"] = w.id;
                       e["trials_kept"] = kept;
                       j.push_back(e);
                       continue;
                     }
                     fmt::print("forgot {}: {} ({:.3f}x, {}{}); {} trial(s) kept\n", w.source_rel, w.config.display(),
                                w.speedup, w.origin,
                                w.session_id ? fmt::format(" session {}", w.session_id) : std::string(), kept);
                   }
                   if (*json) {
                     fmt::print("{}\n", j.dump(2));
                   } else {
                     fmt::print("rebuild to compile {} as the build says\n",
                                found.size() == 1 ? found.front().source_rel : "them");
                   }
                   return 0;
                 }});
}

} // namespace llmcc::cli
