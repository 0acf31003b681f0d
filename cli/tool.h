// Shared plumbing for llmcc-tool subcommands: configuration, the database, output.
#pragma once

#include "cache/local/store.h"
#include "config/config.h"
#include "tuner/session.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

namespace llmcc::cli {

class ToolContext {
public:
  ToolContext();
  const Config& config() const { return m_config; }
  // Opens the database (ingesting spooled records first). Prints a clear error
  // and returns null when it cannot be used.
  Store* store();
  // Same, but read-only and without creating anything.
  Store* store_readonly();

private:
  Config m_config;
  std::unique_ptr<Store> m_store;
  bool m_tried = false;
};

// Each subcommand registers itself; `run` is called after parsing.
using Runner = std::function<int()>;
struct Subcommand {
  CLI::App* app = nullptr;
  Runner run;
};

void register_hw(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
void register_stats(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
void register_show(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
void register_config(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
void register_winners(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
// Later subsystems add theirs here (tune, explain, cmake-import, export/import).
void register_extensions(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);

void register_tune(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);
// The hygiene subcommands under `llmcc cache` (cli/cmd_cache_hygiene.cpp).
void register_cache_hygiene(CLI::App& cache, ToolContext& ctx, std::vector<Subcommand>& out);
void register_cmake_import(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out);

// The planners behind `llmcc tune --planner NAME`, and the default name. Every LLM
// planner made adds its cost to `llm_usage` (when given).
PlannerFactory planner_factory(ToolContext& ctx, int64_t llm_token_budget = 0,
                               std::shared_ptr<LlmUsage> llm_usage = nullptr);
std::string default_planner(const ToolContext& ctx);

// Formats a table with aligned columns (plain text, no colours).
std::string format_table(const std::vector<std::vector<std::string>>& rows);

} // namespace llmcc::cli
