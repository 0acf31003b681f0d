#include "cache/bundle/provenance.h"

#include "cache/local_confirmation.h"

#include <fmt/format.h>

namespace llmcc {

std::string describe_provenance(const WinnerRecord& w, const std::string& this_host) {
  nlohmann::json p = nlohmann::json::parse(w.provenance, nullptr, false);
  if (w.origin == "local" || !p.is_object()) {
    return w.session_id ? fmt::format("tuned here (session {})", w.session_id) : std::string("tuned here");
  }
  auto field = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : "?"; };
  std::string via = field("via") == "remote" ? "pulled from " : "imported from ";
  std::string where = w.host_fp == this_host ? "tuned on this host"
                                             : fmt::format("tuned on host {}, not re-measured on this machine", w.host_fp);
  if (auto c = local_confirmation(w, this_host)) {
    where = fmt::format("{}confirmed on this machine ({:.3f}x [{:.3f}, {:.3f}], llmcc tune --reconfirm session {})",
                        w.host_fp == this_host ? "" : fmt::format("tuned on host {}, ", w.host_fp), c->speedup,
                        c->low, c->high, c->session_id);
  }
  return fmt::format("{}{} (exported by host {}, class {}, llmcc {}, {}); {}", via, field("from"), field("exported_by"),
                     field("exported_class"), field("llmcc_version"), field("signature"), where);
}

} // namespace llmcc
