// llmcc explain <source>: why a source compiles the way it does. Prints the tuned
// winner (config, speedup, confidence, the rationale of whoever proposed it) and
// the evidence behind it: every trial of that TU, failures included.
#include <fmt/format.h>

#include "cache/bundle/provenance.h"
#include "cli/tool.h"
#include "cli/winner_match.h"
#include "hwdetect/host.h"
#include "tuner/planner_worth.h"
#include "util/fs.h"
#include "util/strings.h"

namespace llmcc::cli {

namespace {

// Rationales and details come from LLM replies, bundles and remote stores: never
// let them move the cursor or recolour a terminal.
std::string printable(const std::string& text, size_t max_chars) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  out = trim(out);
  if (out.size() > max_chars) {
    out = out.substr(0, max_chars) + "...";
  }
  return out;
}

// What undoes a winner: `forget` removes the source's winners, keeping the trials.
std::string forget_command(const WinnerRecord& w) { return "llmcc forget " + quote_for_display({w.source_rel}); }

// A winner `tune --reconfirm` dropped for this TU, which pulls and imports skip.
std::string dropped_line(const LocalRejection& r) {
  return fmt::format("dropped:    {}; pulls and imports skip it until llmcc forget {}",
                     printable(describe_rejection(r), 400), quote_for_display({r.source_rel}));
}

std::string interval(std::optional<double> low, std::optional<double> high) {
  if (!low || !high) {
    return "-";
  }
  return fmt::format("[{:.3f}, {:.3f}]", *low, *high);
}

} // namespace

void register_explain(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("explain", "show the tuned config of a source, why, and the trials behind it");
  cmd->footer("Example:\n  llmcc explain src/kernel.c   # the winner, its evidence, and how to undo it");
  auto source = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("source", *source, "source file (path or project-relative)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  out.push_back({cmd, [&ctx, source, json] {
                   Store* store = ctx.store_readonly();
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
                   auto found = matching_winners(*winners, *source);
                   if (found.empty()) {
                     fmt::print(stderr, "llmcc: no tuned configuration for {}: it compiles as the build says "
                                        "(see llmcc winners)\n",
                                *source);
                     // Why there is none, when this host dropped one.
                     for (const auto& r : matching_rejections(*rejections, *source)) {
                       fmt::print("{}\n", dropped_line(r));
                     }
                     return 1;
                   }
                   nlohmann::json j = nlohmann::json::array();
                   bool first = true;
                   for (const auto& w : found) {
                     auto trials = store->trials_for_tu(w.tu_key);
                     if (!trials) {
                       fmt::print(stderr, "llmcc: error: {}\n", trials.error().message);
                       return 1;
                     }
                     // What the planners were worth in the session that found it.
                     std::optional<PlannerWorth> worth;
                     if (w.session_id) {
                       if (auto row = store->session(w.session_id); row && *row && (*row)->summary.is_object() &&
                                                                     (*row)->summary.contains("worth")) {
                         worth = PlannerWorth::from_json((*row)->summary["worth"]);
                       }
                     }
                     std::vector<LocalRejection> dropped;
                     for (const auto& r : *rejections) {
                       if (r.tu_key == w.tu_key) {
                         dropped.push_back(r);
                       }
                     }
                     if (*json) {
                       nlohmann::json e = w.to_json();
                       e["id"] = w.id;
                       e["undo"] = forget_command(w);
                       e["dropped_here"] = nlohmann::json::array();
                       for (const auto& r : dropped) {
                         e["dropped_here"].push_back(r.to_json());
                       }
                       if (worth) {
                         e["worth"] = worth->to_json();
                       }
                       e["trials"] = nlohmann::json::array();
                       for (const auto& t : *trials) {
                         e["trials"].push_back(
                             {{"session", t.session_id},
                              {"planner", t.planner},
                              {"op", t.op},
                              {"config", t.config.to_json()},
                              {"verdict", std::string(to_string(t.verdict))},
                              {"detail", t.detail},
                              {"speedup",
                               t.speedup ? nlohmann::json(*t.speedup) : nlohmann::json()},
                              {"speedup_low",
                               t.speedup_low ? nlohmann::json(*t.speedup_low) : nlohmann::json()},
                              {"speedup_high", t.speedup_high ? nlohmann::json(*t.speedup_high)
                                                              : nlohmann::json()}});
                       }
                       j.push_back(e);
                       continue;
                     }
                     if (!first) {
                       fmt::print("\n");
                     }
                     first = false;
                     fmt::print("source:     {}\n", w.source_rel);
                     fmt::print("config:     {}\n", w.config.display());
                     fmt::print("objective:  {}\n", w.objective);
                     fmt::print("speedup:    {:.3f}x  (95% confidence [{:.3f}, {:.3f}])\n", w.speedup, w.speedup_low,
                                w.speedup_high);
                     fmt::print("host:       {} ({})\n", w.host_fp, w.hw_class);
                     fmt::print("origin:     {}{}\n", w.origin,
                                w.session_id ? fmt::format(", session {}", w.session_id) : std::string());
                     fmt::print("provenance: {}\n", describe_provenance(w, hw::detect_host().fingerprint()));
                     for (const auto& r : dropped) {
                       fmt::print("{}\n", dropped_line(r));
                     }
                     fmt::print("rationale:  {}\n", w.rationale.empty() ? "-" : printable(w.rationale, 400));
                     fmt::print("tu key:     {}\n", w.tu_key);
                     fmt::print("undo:       {}  (the next build compiles it as the build says; "
                                "the trials stay)\n",
                                forget_command(w));
                     if (worth) {
                       for (const auto& line : worth->describe()) {
                         fmt::print("session {}: {}\n", w.session_id, line);
                       }
                     }
                     if (trials->empty()) {
                       fmt::print("\nno trials recorded for this TU (imported winner?)\n");
                       continue;
                     }
                     fmt::print("\nevidence ({} trials):\n", trials->size());
                     std::vector<std::vector<std::string>> rows = {
                         {"SESSION", "PLANNER", "OP", "VERDICT", "SPEEDUP", "CONFIDENCE", "CONFIG", "DETAIL"}};
                     for (const auto& t : *trials) {
                       rows.push_back({std::to_string(t.session_id), t.planner, printable(t.op, 20),
                                       std::string(to_string(t.verdict)),
                                       t.speedup ? fmt::format("{:.3f}x", *t.speedup) : "-",
                                       interval(t.speedup_low, t.speedup_high),
                                       printable(t.config.display(), 120),
                                       printable(t.detail, 100)});
                     }
                     fmt::print("{}", format_table(rows));
                   }
                   if (*json) {
                     fmt::print("{}\n", j.dump(2));
                   }
                   return 0;
                 }});
}

} // namespace llmcc::cli
