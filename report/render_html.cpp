#include <fmt/format.h>

#include "report/plots.h"
#include "report/render.h"
#include "report/svg.h"
#include "util/strings.h"

namespace llmcc::report {

namespace {

using nlohmann::json;

// Nothing may be fetched: no network, no other file. Inline CSS only; the
// plots are inline SVG elements, not images.
constexpr const char* kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr const char* kStyle = R"(
body{font-family:sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;
vertical-align:top;font-size:.9em}th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.9em}.meta{color:#555}.none{color:#777;font-style:italic}svg{display:block;margin:.5em 0}
)";

std::string esc(const json& v) {
  if (v.is_string()) {
    return xml_escape(v.get<std::string>());
  }
  if (v.is_null()) {
    return "-";
  }
  return xml_escape(v.dump());
}

std::string cell(const std::string& html, bool number = false) {
  return number ? "<td class=\"n\">" + html + "</td>" : "<td>" + html + "</td>";
}

std::string header(std::initializer_list<const char*> names) {
  std::string out = "<tr>";
  for (const char* n : names) {
    out += fmt::format("<th>{}</th>", n);
  }
  return out + "</tr>\n";
}

std::string stats_cells(const json& s) {
  if (!s.is_object()) {
    return cell("-") + cell("-") + cell("-") + cell("-");
  }
  return cell(std::to_string(s["runs"].get<int>()), true) + cell(fmt::format("{:.6g}", s["median"].get<double>()), true) +
         cell(fmt::format("{:.6g} &ndash; {:.6g}", s["min"].get<double>(), s["max"].get<double>()), true) +
         cell(fmt::format("{:.2f}%", s["spread"].get<double>() * 100), true);
}

std::string session_section(const json& r) {
  const json& s = r["session"];
  std::string bench;
  for (const auto& w : s["bench"]) {
    bench += (bench.empty() ? "" : " ") + w.get<std::string>();
  }
  return fmt::format("<h1>llmcc tuning report: session {}</h1>\n<p class=\"meta\">build directory <code>{}</code>, "
                     "state {}, objective {}, planner {}, budget {}, {} trials stored, {} in all. Benchmark: "
                     "<code>{}</code>.</p>\n",
                     s["id"].get<int64_t>(), esc(s["build_dir"]), esc(s["state"]), esc(s["objective"]),
                     esc(s["planner"]), s["budget"].get<int>(), s["trials"].get<int>(),
                     format_seconds(s["seconds"].get<double>()), xml_escape(bench));
}

std::string gains_section(const json& r) {
  std::string out = "<h2 id=\"gains\">Gain per TU</h2>\n<p>Confirmed gains (median ratio of fresh interleaved "
                    "runs, 95% bootstrap interval) against this TU built as the build says. Against -O3 and "
                    "-O3 -march=native: the same interval divided by that config's screening speedup in this "
                    "session, where the session tried it.</p>\n<table>\n";
  out += header({"TU", "status", "vs the plain build [95% CI]", "vs -O3", "vs -O3 -march=native", "trials", "failed",
                 "why"});
  for (const auto& t : r["tus"]) {
    out += "<tr>" + cell("<code>" + esc(t["source"]) + "</code>") + cell(esc(t["status"])) +
           cell(format_gain(t["gain"]["plain"]), true) + cell(format_gain(t["gain"]["o3"]), true) +
           cell(format_gain(t["gain"]["o3_native"]), true) + cell(std::to_string(t["trials"].get<int>()), true) +
           cell(std::to_string(t["failed_trials"].get<int>()), true) +
           cell(t["status"] == "tuned" ? "" : esc(t["reason"])) + "</tr>\n";
  }
  return out + "</table>\n" + gains_plot(r["tus"]);
}

std::string program_section(const json& r) {
  const json& p = r["program"];
  if (!p.is_object()) {
    return "<p class=\"none\">The whole program was not measured in this session.</p>\n";
  }
  std::string out = "<table>\n" + header({"whole program", "speedup [95% CI]"});
  out += "<tr>" + cell("against the plain build") + cell(format_gain(p), true) + "</tr>\n";
  if (p.contains("vs_native")) {
    out += "<tr>" + cell("against the whole program built with -O3 -march=native") +
           cell(format_gain(p["vs_native"]), true) + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string convergence_section(const json& r) {
  std::string out = "<h2 id=\"convergence\">Search convergence</h2>\n<p>Best speedup so far against trials, per "
                    "TU and planner. Each mark is a trial (hover for its config); failed trials are crosses "
                    "under the curve, coloured by verdict. The dashed line is the plain build.</p>\n";
  for (const auto& t : r["tus"]) {
    out += "<h3><code>" + esc(t["source"]) + "</code></h3>\n";
    std::string plot = convergence_plot(t);
    out += plot.empty() ? "<p class=\"none\">no trials stored</p>\n" : plot;
  }
  return out;
}

std::string noise_section(const json& r) {
  std::string out = "<h2 id=\"noise\">Measurement noise</h2>\n<p>The baseline's runs (every interleaved pair of "
                    "the session) and each confirmation's runs of its candidate. Spread = (max &minus; min) / "
                    "median.</p>\n<table>\n";
  out += header({"TU", "runs of", "verdict", "runs", "median", "min &ndash; max", "spread", "speedup [95% CI]"});
  for (const auto& t : r["tus"]) {
    const json& n = t["noise"];
    out += "<tr>" + cell("<code>" + esc(t["source"]) + "</code>") + cell("the baseline") + cell("") +
           stats_cells(n["baseline_runs"]) + cell("") + "</tr>\n";
    for (const auto& c : n["confirmation"]) {
      json g = {{"speedup", c["speedup"]}, {"low", c["low"]}, {"high", c["high"]}};
      out += "<tr>" + cell("") + cell("<code>" + esc(c["config"]) + "</code>") + cell(esc(c["verdict"])) +
             stats_cells(c["runs"]) + cell(c["speedup"].is_number() ? format_gain(g) : "-", true) + "</tr>\n";
    }
  }
  out += "</table>\n";
  for (const auto& t : r["tus"]) {
    out += noise_plot(t);
  }
  return out;
}

std::string time_section(const json& r) {
  const json& t = r["time"];
  std::string out = "<h2 id=\"time\">Where the time went</h2>\n<table>\n" + header({"phase", "time"});
  const std::pair<const char*, const char*> rows[] = {{"compile (the TU's rebuilds)", "compile_sec"},
                                                      {"benchmark runs", "run_sec"},
                                                      {"--verify", "verify_sec"},
                                                      {"waiting for the LLM", "llm_sec"},
                                                      {"the rest (baselines, profiling, whole program)",
                                                       "other_sec"},
                                                      {"total", "total_sec"}};
  for (const auto& [label, key] : rows) {
    out += "<tr>" + cell(label) + cell(format_seconds(t[key].get<double>()), true) + "</tr>\n";
  }
  out += "</table>\n" + time_plot(t);
  const json& llm = r["llm"];
  if (llm.is_object()) {
    out += "<h3>LLM cost</h3>\n<table>\n" + header({"requests", "cache hits", "prompt tokens", "completion tokens"});
    out += "<tr>" + cell(esc(llm["requests"]), true) + cell(esc(llm["cache_hits"]), true) +
           cell(esc(llm["prompt_tokens"]), true) + cell(esc(llm["completion_tokens"]), true) + "</tr>\n</table>\n";
  } else {
    out += "<p class=\"none\">No LLM took part in this session.</p>\n";
  }
  return out;
}

std::string winners_section(const json& r) {
  std::string out = "<h2 id=\"winners\">Winners: what each adds, and where it came from</h2>\n<table>\n";
  out += header({"TU", "config", "adds over the build's flags", "found by", "origin", "rationale", "undo"});
  bool any = false;
  for (const auto& t : r["tus"]) {
    const json& w = t["winner"];
    if (!w.is_object()) {
      continue;
    }
    any = true;
    std::string adds;
    for (const auto& a : w["adds"]) {
      adds += (adds.empty() ? "" : " ") + a.get<std::string>();
    }
    std::string found = w["found_by"].is_object()
                            ? esc(w["found_by"]["planner"]) + " / " + esc(w["found_by"]["op"])
                            : std::string("-");
    out += "<tr>" + cell("<code>" + esc(t["source"]) + "</code>") + cell("<code>" + esc(w["config"]) + "</code>") +
           cell("<code>" + xml_escape(adds.empty() ? "(nothing)" : adds) + "</code>") + cell(found) +
           cell(fmt::format("{}, session {}", esc(w["origin"]), w["session"].get<int64_t>())) +
           cell(esc(w["rationale"])) + cell("<code>" + esc(w["undo"]) + "</code>") + "</tr>\n";
  }
  out += "</table>\n";
  if (!any) {
    out = "<h2 id=\"winners\">Winners: what each adds, and where it came from</h2>\n<p class=\"none\">This "
          "session stored no winner (or they were forgotten).</p>\n";
  }
  return out;
}

std::string machine_section(const json& r) {
  std::string out = "<h2 id=\"machine\">Hardware and compilers</h2>\n<table>\n" +
                    header({"host fingerprint", "class", "CPU", "ISA extensions"});
  for (const auto& h : r["hardware"]) {
    const json info = h.value("info", json::object());
    std::string isa;
    for (const auto& e : info.value("isa", json::array())) {
      isa += (isa.empty() ? "" : " ") + (e.is_string() ? e.get<std::string>() : e.dump());
    }
    out += "<tr>" + cell("<code>" + esc(h["fingerprint"]) + "</code>") + cell(esc(h.value("hw_class", json()))) +
           cell(esc(info.value("model_name", json(info.value("vendor", ""))))) + cell(xml_escape(isa)) + "</tr>\n";
  }
  out += "</table>\n<table>\n" + header({"compiler", "version", "target", "path"});
  for (const auto& c : r["compilers"]) {
    out += "<tr>" + cell(esc(c["version_text"])) + cell(esc(c["version"])) + cell(esc(c["target"])) +
           cell("<code>" + esc(c["path"]) + "</code>") + "</tr>\n";
  }
  return out + "</table>\n";
}

} // namespace

std::string render_html(const json& r) {
  std::string out = fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
                                "<title>llmcc report: session {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                                kPolicy, r["session"]["id"].get<int64_t>(), kStyle);
  out += session_section(r);
  out += gains_section(r);
  out += program_section(r);
  out += convergence_section(r);
  out += noise_section(r);
  out += time_section(r);
  out += winners_section(r);
  out += machine_section(r);
  if (!r["notes"].empty()) {
    out += "<h2 id=\"notes\">Notes</h2>\n<ul>\n";
    for (const auto& n : r["notes"]) {
      out += "<li>" + esc(n) + "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "<p class=\"meta\" id=\"llmcc-report-end\">Every figure on this page comes from the llmcc database; "
         "<code>llmcc report --format json</code> prints the same numbers.</p>\n</body>\n</html>\n";
  return out;
}

} // namespace llmcc::report
