// llmcc config: get/set/unset/list with origins, like `ccache -p` / `ccache -o`.
#include <fmt/format.h>

#include "cli/tool.h"
#include "util/fs.h"

namespace llmcc::cli {

void register_config(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("config", "read or change settings (env > project file > user file > default)");
  cmd->footer("Examples:\n  llmcc config list\n  llmcc config set cc gcc-12\n"
              "  llmcc config set --project lookup exact   # ./.llmcc.conf\n  llmcc config get db");
  cmd->require_subcommand(1);
  struct Args {
    std::string key, value;
    bool project = false;
  };
  auto a = std::make_shared<Args>();
  auto* get = cmd->add_subcommand("get", "print a setting's value");
  get->add_option("key", a->key, "setting name")->required();
  auto* set = cmd->add_subcommand("set", "write a setting to the user file (or --project file)");
  set->add_option("key", a->key, "setting name")->required();
  set->add_option("value", a->value, "value")->required();
  set->add_flag("--project", a->project, "write ./.llmcc.conf instead of the user file");
  auto* unset = cmd->add_subcommand("unset", "remove a setting from the user file (or --project file)");
  unset->add_option("key", a->key, "setting name")->required();
  unset->add_flag("--project", a->project, "edit ./.llmcc.conf");
  auto* list = cmd->add_subcommand("list", "every setting with its value and where it came from");

  out.push_back({cmd, [&ctx, a, get, set, unset, list] {
                   const Config& c = ctx.config();
                   auto known = [&](const std::string& k) {
                     for (const auto& key : config_keys()) {
                       if (key.name == k) {
                         return true;
                       }
                     }
                     fmt::print(stderr, "llmcc: error: unknown setting '{}' (see llmcc config list)\n", k);
                     return false;
                   };
                   if (get->parsed()) {
                     if (!known(a->key)) {
                       return 1;
                     }
                     fmt::print("{}\n", c.str(a->key));
                     return 0;
                   }
                   if (set->parsed() || unset->parsed()) {
                     std::string file = a->project ? fs::current_dir() + "/.llmcc.conf" : Config::user_file_path();
                     if (file.empty()) {
                       fmt::print(stderr, "llmcc: error: no user config location (HOME unset); use --project\n");
                       return 1;
                     }
                     Status s = set->parsed() ? Config::set_in_file(file, a->key, a->value)
                                              : Config::unset_in_file(file, a->key);
                     if (!s) {
                       fmt::print(stderr, "llmcc: error: {}\n", s.message());
                       return 1;
                     }
                     return 0;
                   }
                   if (list->parsed()) {
                     std::vector<std::vector<std::string>> rows = {{"KEY", "VALUE", "ORIGIN", "DESCRIPTION"}};
                     for (const auto& key : config_keys()) {
                       const ConfigValue& v = c.get(key.name);
                       std::string origin(origin_name(v.origin));
                       if (!v.source.empty()) {
                         origin += " (" + v.source + ")";
                       }
                       rows.push_back({key.name, v.value.empty() ? "-" : v.value, origin, key.help});
                     }
                     fmt::print("{}", format_table(rows));
                     fmt::print("\ndatabase: {}\n", c.db_path());
                     return 0;
                   }
                   return 1;
                 }});
}

} // namespace llmcc::cli
