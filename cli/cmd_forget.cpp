// llmcc forget <source> | --all-from-session N: removes winners, so the next
// build compiles those TUs as the build says, and the record of the winners
// `tune --reconfirm` dropped for them (or in that session), so a pull or import
// may bring those back. The trials stay: they are the evidence `explain` and the
// report show, and what a later session learns from.
#include <fmt/format.h>

#include "cli/tool.h"
#include "cli/winner_match.h"
#include "util/strings.h"

#include <set>

namespace llmcc::cli {

void register_forget(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("forget", "remove the tuned configs of a source or of a session, and the records of "
                                           "winners tune --reconfirm dropped for them (trials are kept)");
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
                   auto rejections = store->rejections();
                   if (!rejections) {
                     fmt::print(stderr, "llmcc: error: {}\n", rejections.error().message);
                     return 1;
                   }
                   std::vector<WinnerRecord> found;
                   std::set<std::string> tus; // every record of these TUs goes with them
                   if (*session) {
                     for (const auto& w : *winners) {
                       if (w.session_id == *session) {
                         found.push_back(w);
                       }
                     }
                   } else {
                     found = matching_winners(*winners, *source);
                     for (const auto& r : matching_rejections(*rejections, *source)) {
                       tus.insert(r.tu_key);
                     }
                   }
                   for (const auto& w : found) {
                     tus.insert(w.tu_key);
                   }
                   std::vector<LocalRejection> dropped;
                   for (const auto& r : *rejections) {
                     if (tus.count(r.tu_key) || (*session && r.session_id == *session)) {
                       dropped.push_back(r);
                     }
                   }
                   if (found.empty() && dropped.empty()) {
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
                       e["forgot"] = "winner";
                       e["id"] = w.id;
                       e["trials_kept"] = kept;
                       j.push_back(e);
                       continue;
                     }
                     fmt::print("forgot {}: {} ({:.3f}x, {}{}); {} trial(s) kept\n", w.source_rel, w.config.display(),
                                w.speedup, w.origin,
                                w.session_id ? fmt::format(" session {}", w.session_id) : std::string(), kept);
                   }
                   for (const auto& r : dropped) {
                     if (Status s = store->delete_rejection(r); !s) {
                       fmt::print(stderr, "llmcc: error: {}\n", s.message());
                       return 1;
                     }
                     if (*json) {
                       nlohmann::json e = r.to_json();
                       e["forgot"] = "dropped";
                       j.push_back(e);
                       continue;
                     }
                     fmt::print("forgot that {} was dropped here: {}; a pull or import may bring it back\n",
                                r.source_rel, describe_rejection(r));
                   }
                   if (*json) {
                     fmt::print("{}\n", j.dump(2));
                   } else if (!found.empty()) {
                     fmt::print("rebuild to compile {} as the build says\n",
                                found.size() == 1 ? found.front().source_rel : "them");
                   }
                   return 0;
                 }});
}

} // namespace llmcc::cli
