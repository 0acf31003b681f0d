// Subcommands of later subsystems, registered in one place.
#include "cli/tool.h"

namespace llmcc::cli {

void register_explain(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out); // cli/cmd_explain.cpp
void register_cache(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);   // cli/cmd_cache.cpp

void register_extensions(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  register_explain(app, ctx, out);
  register_cmake_import(app, ctx, out);
  register_cache(app, ctx, out);
}

} // namespace llmcc::cli
