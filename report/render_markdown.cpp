#include <fmt/format.h>

#include "report/render.h"

namespace llmcc::report {

namespace {

using nlohmann::json;

// A table cell: one line, no pipe.
std::string md(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : (v.is_null() ? "-" : v.dump());
  std::string out;
  for (char c : s) {
    out += c == '|' ? std::string("\\|") : (c == '\n' || c == '\r') ? std::string(" ") : std::string(1, c);
  }
  return out;
}

std::string code(const json& v) { return "`" + md(v) + "`"; }

} // namespace

std::string render_markdown(const json& r) {
  const json& s = r["session"];
  std::string out = fmt::format("## llmcc tuning report: session {}\n\nBuild directory `{}`, state {}, objective {}, "
                                "planner {}, {} trials stored, {} in all.\n\n",
                                s["id"].get<int64_t>(), md(s["build_dir"]), md(s["state"]), md(s["objective"]),
                                md(s["planner"]), s["trials"].get<int>(), format_seconds(s["seconds"].get<double>()));
  out += "| TU | status | vs the plain build [95% CI] | vs -O3 | vs -O3 -march=native | trials | failed |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const auto& t : r["tus"]) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", code(t["source"]), md(t["status"]),
                       format_gain(t["gain"]["plain"]), format_gain(t["gain"]["o3"]),
                       format_gain(t["gain"]["o3_native"]), t["trials"].get<int>(), t["failed_trials"].get<int>());
  }
  const json& p = r["program"];
  if (p.is_object()) {
    out += fmt::format("\nWhole program against the plain build: **{}**", format_gain(p));
    if (p.contains("vs_native")) {
      out += fmt::format("; against -O3 -march=native: **{}**", format_gain(p["vs_native"]));
    }
    out += ".\n";
  }
  bool any = false;
  for (const auto& t : r["tus"]) {
    const json& w = t["winner"];
    if (!w.is_object()) {
      continue;
    }
    if (!any) {
      out += "\n| TU | winner | adds over the build's flags | origin | undo |\n|---|---|---|---|---|\n";
      any = true;
    }
    std::string adds;
    for (const auto& a : w["adds"]) {
      adds += (adds.empty() ? "" : " ") + a.get<std::string>();
    }
    out += fmt::format("| {} | {} | {} | {}, session {} | {} |\n", code(t["source"]), code(w["config"]),
                       adds.empty() ? "(nothing)" : code(adds), md(w["origin"]), w["session"].get<int64_t>(),
                       code(w["undo"]));
  }
  const json& time = r["time"];
  out += fmt::format("\nTime: compile {}, benchmark runs {}, --verify {}, LLM {}, the rest {}.\n",
                     format_seconds(time["compile_sec"].get<double>()), format_seconds(time["run_sec"].get<double>()),
                     format_seconds(time["verify_sec"].get<double>()), format_seconds(time["llm_sec"].get<double>()),
                     format_seconds(time["other_sec"].get<double>()));
  if (r["llm"].is_object()) {
    const json& l = r["llm"];
    out += fmt::format("LLM: {} requests, {} cache hits, {} prompt and {} completion tokens.\n", md(l["requests"]),
                       md(l["cache_hits"]), md(l["prompt_tokens"]), md(l["completion_tokens"]));
  }
  return out;
}

} // namespace llmcc::report
