// llmcc-tool: the subcommands of `llmcc` (hw, stats, show, config, tune, ...).
// Users never call it directly; `llmcc <command>` execs it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include <csignal>

#include "cli/tool.h"

using namespace llmcc;

int main(int argc, char** argv) {
  CLI::App app{"llmcc: a compiler wrapper that compiles each translation unit with the best "
               "configuration known for it on this hardware.\n\n"
               "As a compiler:  CC=llmcc CXX=llmcc++ cmake ..   or   make CC=llmcc\n"
               "As a launcher:  cmake -DCMAKE_CXX_COMPILER_LAUNCHER=llmcc ..   or   llmcc g++ -c x.cc\n",
               "llmcc"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "print llmcc's version");
  app.set_help_flag("-h,--help", "print this help");
  app.footer("Environment: LLMCC_DIR, LLMCC_DB, LLMCC_CC, LLMCC_CXX, LLMCC_DISABLE, LLMCC_DEBUG,\n"
             "LLMCC_QUIET (see `llmcc config list` for every setting).\n"
             "Docs: README.md, docs/design.md.");
  cli::ToolContext ctx;
  std::vector<cli::Subcommand> subs;
  cli::register_hw(app, ctx, subs);
  cli::register_stats(app, ctx, subs);
  cli::register_show(app, ctx, subs);
  cli::register_config(app, ctx, subs);
  cli::register_winners(app, ctx, subs);
  cli::register_tune(app, ctx, subs);
  cli::register_extensions(app, ctx, subs);
  app.add_subcommand("help", "print this help")->callback([&] { throw CLI::CallForHelp(); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
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
