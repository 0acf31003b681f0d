// llmcc stats: counters in the spirit of `ccache -s`. Users debug by reading them.
#include <fmt/format.h>

#include "cli/tool.h"
#include "util/strings.h"

namespace llmcc::cli {

namespace {

std::string describe_counter(const std::string& name) {
  static const std::map<std::string, std::string> names = {
      {"compile.tuned", "compiles with a tuned config"},
      {"compile.plain", "compiles without a winner (plain)"},
      {"compile.trial", "compiles of tuning trials"},
      {"compile.baseline", "compiles of tuning baselines"},
      {"link", "links recorded"},
      {"fallback.tuned_compile_failed", "tuned compile failed, plain compile used"},
      {"fallback.config_rejected", "stored config rejected by the allow-list"},
      {"capture.spooled", "records spooled while the database was busy"},
      {"pgo.applied", "compiles with a trained profile"},
      {"pgo.profile_stale", "profile dropped: the source changed since training"},
      {"pgo.profile_missing", "profile dropped: not in the state directory"},
      {"remote.hit", "remote store pulls that found winners"},
      {"remote.miss", "remote store pulls that found none"},
      {"remote.push", "remote store pushes"},
      {"remote.error", "remote store errors (a miss, never a failed build)"},
      {"remote.timeout", "remote store timeouts"},
      {"remote.denied", "remote store writes refused (401/403: used read-only)"},
  };
  if (auto it = names.find(name); it != names.end()) {
    return it->second;
  }
  if (starts_with(name, "passthrough.")) {
    return "passed through: " + replace_all(name.substr(12), "_", " ");
  }
  return name;
}

} // namespace

void register_stats(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("stats", "show counters: tuned, plain and passed-through commands by reason");
  cmd->footer("Example:\n  make CC=llmcc && llmcc stats   # how many compiles were tuned, plain, passed through\n"
              "  llmcc stats --zero              # start counting afresh");
  auto json = std::make_shared<bool>(false);
  auto zero = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->add_flag("-z,--zero", *zero, "reset the counters");
  out.push_back({cmd, [&ctx, json, zero] {
                   Store* store = ctx.store_readonly();
                   if (!store) {
                     return 1;
                   }
                   if (*zero) {
                     if (Status s = store->reset_stats(); !s) {
                       fmt::print(stderr, "llmcc: error: {}\n", s.message());
                       return 1;
                     }
                     fmt::print("Statistics zeroed\n");
                     return 0;
                   }
                   auto stats = store->stats();
                   auto compiles = store->commands("compile");
                   auto links = store->commands("link");
                   auto winners = store->winners();
                   if (!stats || !compiles || !links || !winners) {
                     fmt::print(stderr, "llmcc: error: cannot read the database\n");
                     return 1;
                   }
                   if (*json) {
                     nlohmann::json j = {{"counters", *stats},
                                         {"captured_compiles", compiles->size()},
                                         {"captured_links", links->size()},
                                         {"winners", winners->size()},
                                         {"database", ctx.config().db_path()}};
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   std::vector<std::vector<std::string>> rows;
                   rows.push_back({"database", ctx.config().db_path()});
                   rows.push_back({"captured compiles", std::to_string(compiles->size())});
                   rows.push_back({"captured links", std::to_string(links->size())});
                   rows.push_back({"winners", std::to_string(winners->size())});
                   int64_t passthrough = 0;
                   for (const auto& [name, n] : *stats) {
                     if (starts_with(name, "passthrough.")) {
                       passthrough += n;
                     }
                   }
                   for (const char* key : {"compile.tuned", "compile.plain", "compile.trial",
                                           "compile.baseline", "link"}) {
                     auto it = stats->find(key);
                     rows.push_back({describe_counter(key),
                                     std::to_string(it == stats->end() ? 0 : it->second)});
                   }
                   rows.push_back({"passed through", std::to_string(passthrough)});
                   for (const auto& [name, n] : *stats) {
                     if (starts_with(name, "passthrough.")) {
                       rows.push_back({"  " + describe_counter(name).substr(16), std::to_string(n)});
                     }
                   }
                   for (const auto& [name, n] : *stats) {
                     if (starts_with(name, "fallback.") || starts_with(name, "capture.") || starts_with(name, "pgo.")) {
                       rows.push_back({describe_counter(name), std::to_string(n)});
                     }
                   }
                   fmt::print("{}", format_table(rows));
                   return 0;
                 }});
}

} // namespace llmcc::cli
