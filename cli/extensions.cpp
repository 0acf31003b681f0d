// Subcommands of later subsystems, registered in one place.
#include "cli/tool.h"

namespace llmcc::cli {

void register_explain(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out); // cli/cmd_explain.cpp
void register_forget(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);  // cli/cmd_forget.cpp
void register_report(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);  // cli/cmd_report.cpp
void register_features(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out); // cli/cmd_features.cpp
void register_similar(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);  // cli/cmd_similar.cpp
void register_cache(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);   // cli/cmd_cache.cpp

void register_extensions(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  register_explain(app, ctx, out);
  register_forget(app, ctx, out);
  register_report(app, ctx, out);
  register_cmake_import(app, ctx, out);
  register_features(app, ctx, out);
  register_similar(app, ctx, out);
  register_cache(app, ctx, out);
}

} // namespace llmcc::cli
