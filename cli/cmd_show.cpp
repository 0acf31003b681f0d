// llmcc show <source>: which config this TU gets on the next compile, and why.
#include <fmt/format.h>

#include "cache/bundle/provenance.h"
#include "cli/tool.h"
#include "flags/apply.h"
#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"
#include "wrapper/config_admission.h"
#include "wrapper/config_lookup.h"
#include "wrapper/profile_flags.h"
#include "wrapper/tu_context.h"

namespace llmcc::cli {

void register_show(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("show", "show which config a source file gets, and why");
  cmd->footer("Example:\n  llmcc show src/kernel.c   # the config its next compile gets (how: exact, nearest, none)");
  auto source = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("source", *source, "source file (as built through llmcc)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  out.push_back({cmd, [&ctx, source, json] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   std::string abs = fs::absolute(*source, fs::current_dir());
                   std::string real = fs::real_path(abs);
                   auto compiles = store->compiles_of_source(abs);
                   if ((!compiles || compiles->empty()) && !real.empty() && real != abs) {
                     compiles = store->compiles_of_source(real);
                   }
                   if (!compiles || compiles->empty()) {
                     fmt::print(stderr,
                                "llmcc: error: no compile of {} was recorded; build once through llmcc "
                                "(CC=llmcc CXX=llmcc++) first\n",
                                abs);
                     return 1;
                   }
                   const CapturedCommand& cmd = compiles->front();
                   TuContext tu = make_tu_context(cmd, ctx.config());
                   auto id = compiler_identity(cmd.compiler, store);
                   if (!id) {
                     fmt::print(stderr, "llmcc: error: {}\n", id.error().message);
                     return 1;
                   }
                   tu.compiler = *id;
                   Resolution r = resolve_config(store, ctx.config(), tu, /*for_show=*/true);
                   (void)admit_config(r, tu, safety_policy(ctx.config())); // exactly as the compile does
                   if (tu.host.arch.empty()) {
                     tu.host = hw::detect_host(); // a tuning trial's override skips the lookup
                   }
                   std::vector<std::string> final_cmd = cmd.argv;
                   std::vector<std::string> dropped;
                   if (r.config) {
                     AppliedArgs applied = apply_config(tu.args.args, *r.config, tu.compiler.family);
                     final_cmd = {cmd.compiler};
                     final_cmd.insert(final_cmd.end(), applied.args.begin(), applied.args.end());
                     dropped = applied.dropped;
                     // The profile exactly as the compile would take it (or drop it, and why).
                     if (r.config->uses_profile() && is_profile_hash(r.config->pgo)) {
                       ProfileUse use = profile_use_flags(*store, ctx.config().cache_dir(), tu.compiler.family,
                                                          r.config->pgo, tu.output_abs, r.tu_key);
                       final_cmd.insert(final_cmd.end(), use.flags.begin(), use.flags.end());
                       if (use.outcome != ProfileUse::Outcome::Applied) {
                         dropped.push_back("pgo=use (" + use.reason + ")");
                       }
                     }
                   }
                   std::vector<LocalRejection> dropped_here;
                   if (!r.tu_key.empty()) {
                     // The tools' file: a broken one costs this line, not what the compile gets.
                     auto rejections = store->rejections_for_tu(r.tu_key);
                     if (rejections) {
                       dropped_here = std::move(*rejections);
                     } else {
                       fmt::print(stderr, "llmcc: warning: {}\n", rejections.error().message);
                     }
                   }
                   if (*json) {
                     nlohmann::json j = {{"source", cmd.source},
                                         {"source_rel", tu.source_rel},
                                         {"tu_key", r.tu_key},
                                         {"compiler", {{"id", id->id}, {"path", id->path}, {"version", id->version}}},
                                         {"host", tu.host.fingerprint()},
                                         {"hw_class", tu.host.hw_class()},
                                         {"how", to_string(r.how)},
                                         {"config", r.config ? r.config->to_json() : nlohmann::json(nullptr)},
                                         {"notes", r.notes},
                                         {"dropped", dropped},
                                         {"command", final_cmd}};
                     if (r.winner) {
                       j["winner"] = r.winner->to_json();
                     }
                     j["dropped_here"] = nlohmann::json::array();
                     for (const auto& d : dropped_here) {
                       j["dropped_here"].push_back(d.to_json());
                     }
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   fmt::print("source:    {}\n", cmd.source);
                   fmt::print("key:       {}\n", r.tu_key.empty() ? "-" : r.tu_key);
                   fmt::print("compiler:  {} ({}, id {})\n", id->path, id->version_text, id->id);
                   fmt::print("hardware:  {} ({})\n", tu.host.fingerprint(), tu.host.hw_class());
                   fmt::print("lookup:\n");
                   for (const auto& n : r.notes) {
                     fmt::print("  - {}\n", n);
                   }
                   if (r.config) {
                     fmt::print("config:    {} ({} match)\n", r.config->display(), to_string(r.how));
                     if (r.winner) {
                       fmt::print("evidence:  {:.3f}x [{:.3f}, {:.3f}] on {}, session {}\n", r.winner->speedup,
                                  r.winner->speedup_low, r.winner->speedup_high, r.winner->objective,
                                  r.winner->session_id);
                       fmt::print("origin:    {}\n", describe_provenance(*r.winner, tu.host.fingerprint()));
                     }
                   } else {
                     fmt::print("config:    none (compiled exactly as recorded)\n");
                   }
                   for (const auto& d : dropped_here) {
                     fmt::print("dropped:   {}; pulls and imports skip it until llmcc forget {}\n",
                                describe_rejection(d), quote_for_display({d.source_rel}));
                   }
                   for (const auto& d : dropped) {
                     fmt::print("not applied: {}\n", d);
                   }
                   fmt::print("command:   {}\n", quote_for_display(final_cmd));
                   if (r.config && !r.config->pipeline.empty()) {
                     fmt::print("route:     front end -> opt -passes='{}' -> code generation\n", r.config->pipeline);
                   }
                   return 0;
                 }});
}

} // namespace llmcc::cli
