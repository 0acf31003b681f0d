// Subcommands of later subsystems, registered in one place.
#include "cli/tool.h"

namespace llmcc::cli {

void register_extensions(CLI::App& /*app*/, ToolContext& /*ctx*/, std::vector<Subcommand>& /*out*/) {}

} // namespace llmcc::cli
