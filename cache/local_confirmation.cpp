#include "cache/local_confirmation.h"

#include <nlohmann/json.hpp>

namespace llmcc {

std::string with_local_confirmation(const std::string& provenance, const LocalConfirmation& c) {
  nlohmann::json p = nlohmann::json::parse(provenance, nullptr, false);
  if (!p.is_object()) {
    p = nlohmann::json::object();
  }
  p["confirmed_here"] = {{"host", c.host_fp}, {"at", c.at},      {"session", c.session_id},
                         {"speedup", c.speedup}, {"low", c.low}, {"high", c.high}};
  return p.dump();
}

std::optional<LocalConfirmation> local_confirmation(const WinnerRecord& w, const std::string& host_fp) {
  nlohmann::json p = nlohmann::json::parse(w.provenance, nullptr, false);
  if (!p.is_object() || !p.contains("confirmed_here") || !p["confirmed_here"].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& c = p["confirmed_here"];
  auto num = [&](const char* k) { return c.contains(k) && c[k].is_number() ? c[k].get<double>() : 1.0; };
  auto integer = [&](const char* k) { return c.contains(k) && c[k].is_number_integer() ? c[k].get<int64_t>() : 0; };
  if (!c.contains("host") || !c["host"].is_string() || c["host"].get<std::string>() != host_fp) {
    return std::nullopt;
  }
  return LocalConfirmation{host_fp, integer("at"), integer("session"), num("speedup"), num("low"), num("high")};
}

} // namespace llmcc
