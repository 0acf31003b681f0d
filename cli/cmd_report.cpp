// llmcc report: a tuning session's evidence as one self-contained HTML page
// (plots as inline SVG), Markdown (CI summaries, pull-request comments) or JSON.
#include <fmt/format.h>

#include "cli/tool.h"
#include "report/render.h"
#include "report/report_data.h"
#include "util/fs.h"
#include "util/log.h"

namespace llmcc::cli {

namespace {

struct ReportArgs {
  int64_t session = 0;
  std::string build_dir;
  std::string output;
  std::string format = "html";
};

} // namespace

void register_report(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("report", "write a tuning session's evidence as HTML (with plots), Markdown or JSON");
  cmd->footer("Examples:\n  llmcc report --build-dir build -o report.html   # the last session of build/\n"
              "  llmcc report --session 3 --format md >> \"$GITHUB_STEP_SUMMARY\"\n"
              "The page loads nothing from anywhere (no network, no scripts); every figure comes from the "
              "database.");
  auto a = std::make_shared<ReportArgs>();
  auto* session = cmd->add_option("--session", a->session, "the tuning session (see `llmcc tune`'s last line)");
  cmd->add_option("--build-dir", a->build_dir, "the last session of this build directory (default: .)")
      ->excludes(session);
  cmd->add_option("-o,--output", a->output, "write here instead of stdout");
  cmd->add_option("--format", a->format, "html, md or json (default: html)")
      ->check(CLI::IsMember({"html", "md", "json"}));
  out.push_back({cmd, [&ctx, a] {
                   Store* store = ctx.store_readonly();
                   if (!store) {
                     return 1;
                   }
                   int64_t id = a->session;
                   if (id == 0) {
                     std::string dir = fs::real_path(a->build_dir.empty() ? "." : a->build_dir);
                     auto last = store->latest_session(dir);
                     if (!last) {
                       log::error("{}", last.error().message);
                       return 1;
                     }
                     if (!*last) {
                       log::error("no tuning session recorded for {} (pass --session ID)", dir);
                       return 1;
                     }
                     id = (*last)->id;
                   }
                   auto data = report::collect_report(*store, id);
                   if (!data) {
                     log::error("{}", data.error().message);
                     return 1;
                   }
                   std::string text = a->format == "json" ? data->dump(2) + "\n"
                                      : a->format == "md" ? report::render_markdown(*data)
                                                          : report::render_html(*data);
                   if (a->output.empty()) {
                     fmt::print("{}", text);
                     return 0;
                   }
                   if (Status s = fs::write_file_atomic(a->output, text); !s) {
                     log::error("cannot write {}: {}", a->output, s.message());
                     return 1;
                   }
                   fmt::print(stderr, "wrote {} (session {})\n", a->output, id);
                   return 0;
                 }});
}

} // namespace llmcc::cli
