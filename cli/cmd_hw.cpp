// llmcc hw: what this machine is, as llmcc keys it.
#include <fmt/format.h>

#include "cli/tool.h"
#include "hwdetect/host.h"
#include "hwdetect/native_target.h"
#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/compiler_lookup.h"

namespace llmcc::cli {

namespace {

std::vector<std::string> compilers_to_show(const Config& config) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (name.empty()) {
      return;
    }
    std::string p = resolve_program(name);
    std::string real = fs::real_path(p);
    if (p.empty() || real.empty()) {
      return;
    }
    for (const auto& o : out) {
      if (fs::real_path(o) == real) {
        return;
      }
    }
    out.push_back(p);
  };
  add(config.str("cc"));
  add(config.str("cxx"));
  for (const char* n : {"gcc", "clang"}) {
    add(n);
  }
  return out;
}

} // namespace

void register_hw(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("hw", "show the hardware fingerprint, ISA and what -march=native means");
  cmd->footer("Example:\n  llmcc hw            # fingerprint, class, ISA, caches, -march=native per compiler\n"
              "  llmcc hw --json");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  out.push_back({cmd, [&ctx, json] {
                   hw::HostInfo host = hw::detect_host();
                   nlohmann::json j = host.to_json();
                   Store* store = ctx.store();
                   nlohmann::json natives = nlohmann::json::object();
                   for (const auto& c : compilers_to_show(ctx.config())) {
                     auto id = compiler_identity(c, store);
                     auto native = hw::resolve_native(c);
                     nlohmann::json entry = {{"path", c}};
                     if (id) {
                       entry["id"] = id->id;
                       entry["version"] = id->version_text;
                     }
                     if (native) {
                       entry["native"] = native->to_json();
                       if (store && id) {
                         (void)store->put_native(id->id, host.fingerprint(), native->to_json().dump());
                       }
                     } else {
                       entry["error"] = native.error().message;
                     }
                     natives[fs::base_name(c)] = entry;
                   }
                   if (store) {
                     (void)store->put_host(host.fingerprint(), host.hw_class(), j);
                   }
                   j["compilers"] = natives;
                   if (*json) {
                     fmt::print("{}\n", j.dump(2));
                     return 0;
                   }
                   std::vector<std::vector<std::string>> rows = {
                       {"fingerprint", host.fingerprint()},
                       {"class", host.hw_class()},
                       {"cpu", host.model_name},
                       {"vendor / family / model / stepping",
                        fmt::format("{} / {} / {} / {}", host.vendor, host.family, host.model, host.stepping)},
                       {"ISA level", host.isa_level},
                       {"ISA extensions", join(host.isa, " ")},
                       {"cores", fmt::format("{} logical, {} physical", host.logical_cpus, host.physical_cores)},
                   };
                   for (const auto& c : host.caches) {
                     rows.push_back({fmt::format("L{} {}", c.level, c.type),
                                     fmt::format("{} KiB, {} B lines", c.size_kb, c.line_bytes)});
                   }
                   for (const auto& [name, e] : natives.items()) {
                     std::string v = e.contains("native")
                                         ? fmt::format("-march=native = {}", e["native"].value("cpu", "?"))
                                         : "error: " + e.value("error", "");
                     rows.push_back({name + " (" + e.value("version", "") + ")", v});
                   }
                   fmt::print("{}", format_table(rows));
                   return 0;
                 }});
}

} // namespace llmcc::cli
