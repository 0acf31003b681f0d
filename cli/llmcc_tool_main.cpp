// llmcc-tool: the subcommands of `llmcc` (hw, stats, show, config, tune, ...).
// Users never call it directly; `llmcc <command>` execs it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <string_view>

#include "cli/tool.h"
#include "util/log.h"
#include "util/strings.h"
#include "wrapper/invocation.h"

using namespace llmcc;

// `llmcc` hands only the words of tool_subcommands() to this program; a
// subcommand registered here but missing there (or the reverse) would be
// unreachable, or would swallow a compiler argument. Refusing to start makes any
// drift fail every test that runs the tool.
static bool subcommands_match_list(const CLI::App& app) {
  std::vector<std::string> registered;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    registered.push_back(sub->get_name());
  }
  std::vector<std::string> listed(tool_subcommands().begin(), tool_subcommands().end());
  std::sort(registered.begin(), registered.end());
  std::sort(listed.begin(), listed.end());
  if (registered == listed) {
    return true;
  }
  log::error("internal error: llmcc-tool's subcommands ({}) differ from wrapper/invocation.cpp's "
             "list ({})",
             join(registered, " "), join(listed, " "));
  return false;
}

int main(int argc, char** argv) {
  CLI::App app{"llmcc: a compiler wrapper that compiles each translation unit with the best "
               "configuration known for it on this hardware.\n\n"
               "As a compiler:  CC=llmcc CXX=llmcc++ cmake ..   or   make CC=llmcc\n"
               "As a launcher:  cmake -DCMAKE_CXX_COMPILER_LAUNCHER=llmcc ..   or   llmcc g++ -c x.cc\n"
               "\nAs a compiler, llmcc answers --version, -v, -dumpversion and -print-* exactly as\n"
               "the real compiler does; `llmcc version` prints llmcc's own version.\n",
               "llmcc"};
  app.require_subcommand(0, 1);
  app.set_help_flag("-h,--help", "print this help");
  app.footer("Environment: LLMCC_DIR, LLMCC_DB, LLMCC_CC, LLMCC_CXX, LLMCC_DISABLE, LLMCC_DEBUG,\n"
             "LLMCC_QUIET (see `llmcc config list` for every setting).\n"
             "Docs: README.md, docs/usage.md (every subcommand and setting), docs/design.md.");
  cli::ToolContext ctx;
  std::vector<cli::Subcommand> subs;
  cli::register_hw(app, ctx, subs);
  cli::register_stats(app, ctx, subs);
  cli::register_show(app, ctx, subs);
  cli::register_config(app, ctx, subs);
  cli::register_winners(app, ctx, subs);
  cli::register_tune(app, ctx, subs);
  cli::register_extensions(app, ctx, subs);
  CLI::App* help = app.add_subcommand("help", "print this help");
  CLI::App* version =
      app.add_subcommand("version", "print llmcc's version (--version is the compiler's)");
  if (!subcommands_match_list(app)) {
    return 2;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (help->parsed()) {
    // help() describes the parsed subcommand, here `help` itself; clear() unselects it.
    app.clear();
    fmt::print("{}", app.help());
    return 0;
  }
  if (version->parsed()) {
    fmt::print("llmcc {}\n", LLMCC_VERSION);
    return 0;
  }
  for (auto& s : subs) {
    if (s.app->parsed()) {
      return s.run();
    }
  }
  fmt::print("{}", app.help());
  return 0;
}
