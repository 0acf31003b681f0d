#include "llm/reply_parser.h"

#include <fmt/format.h>

#include <optional>

#include "util/strings.h"

namespace llmcc {

namespace {

void reject(ParsedReply& out, const char* category, std::string text, const std::string& detail) {
  out.rejected.push_back({sanitize_text(text, 200), detail.empty() ? category : std::string(category) + ": " + detail});
  ++out.rejected_counts[category];
}

// The first option of `config` the space does not offer, if any.
std::optional<std::string> outside_space(const TuneConfig& config, const SearchSpace& space) {
  std::set<std::string> values;
  for (const auto& d : space.dims()) {
    for (const auto& v : d.values) {
      if (!v.empty()) {
        values.insert(v);
      }
    }
  }
  if (!config.opt_level.empty() && !values.count(config.opt_level)) {
    return config.opt_level;
  }
  for (const auto& o : config.options) {
    if (!values.count(o)) {
      return o;
    }
  }
  return std::nullopt;
}

} // namespace

std::string sanitize_text(const std::string& text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars));
  bool space = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
    if (out.size() >= max_chars) {
      // Do not leave half a UTF-8 sequence at the end.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
        out.pop_back();
      }
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) {
        out.pop_back();
      }
      out += "...";
      break;
    }
  }
  return out;
}

Expected<nlohmann::json> extract_reply_json(const std::string& text) {
  std::string body = trim(text);
  // A fenced block is tolerated because many models add one even when told not to;
  // it must be the whole reply, so prose around JSON is still rejected.
  if (starts_with(body, "```")) {
    size_t first_nl = body.find('\n');
    if (first_nl == std::string::npos || !ends_with(body, "```") || body.size() < first_nl + 4) {
      return Error{"reply is not valid JSON"};
    }
    std::string tag = trim(std::string_view(body).substr(3, first_nl - 3));
    if (!tag.empty() && to_lower(tag) != "json") {
      return Error{"reply is not valid JSON"};
    }
    body = body.substr(first_nl + 1, body.size() - 3 - (first_nl + 1));
    if (body.find("```") != std::string::npos) {
      return Error{"reply is not valid JSON"};
    }
  }
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Error{"reply is not valid JSON"};
  }
  return j;
}

nlohmann::json reply_schema() {
  nlohmann::json candidate = {
      {"type", "object"},
      {"properties",
       {{"opt", {{"type", "string"}}},
        {"options", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"pipeline", {{"type", "string"}}},
        {"rationale", {{"type", "string"}}}}},
      {"required", {"opt", "options", "pipeline", "rationale"}},
      {"additionalProperties", false}};
  return {{"type", "object"},
          {"properties", {{"candidates", {{"type", "array"}, {"items", candidate}}}}},
          {"required", {"candidates"}},
          {"additionalProperties", false}};
}

Expected<ParsedReply> parse_reply(const std::string& text, const ReplyRules& rules) {
  if (text.size() > rules.max_reply_chars) {
    return Error{"reply too large"};
  }
  auto parsed = extract_reply_json(text);
  if (!parsed) {
    return parsed.error();
  }
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) {
    return Error{"reply has the wrong shape: expected an object with \"candidates\""};
  }
  for (const auto& item : j.items()) {
    if (item.key() != "candidates") {
      return Error{"reply has the wrong shape: unknown key \"" + sanitize_text(item.key(), 40) + "\""};
    }
  }
  if (!j.contains("candidates") || !j["candidates"].is_array()) {
    return Error{"reply has the wrong shape: \"candidates\" must be an array"};
  }
  const auto& candidates = j["candidates"];
  if (candidates.size() > rules.max_candidates) {
    return Error{fmt::format("reply has the wrong shape: more than {} candidates", rules.max_candidates)};
  }

  ParsedReply out;
  std::set<std::string> accepted_now;
  for (const auto& c : candidates) {
    std::string raw = c.dump();
    if (!c.is_object()) {
      reject(out, kRejectMalformed, raw, "a candidate must be an object");
      continue;
    }
    nlohmann::json config_json = nlohmann::json::object();
    std::string rationale;
    std::string problem;
    for (const auto& item : c.items()) {
      const std::string& key = item.key();
      if (key == "opt" || key == "options" || key == "pipeline") {
        config_json[key] = item.value();
      } else if (key == "rationale") {
        if (!item.value().is_string()) {
          problem = "\"rationale\" must be a string";
          break;
        }
        rationale = sanitize_text(item.value().get<std::string>(), rules.max_rationale_chars);
      } else {
        problem = "unknown key \"" + sanitize_text(key, 40) + "\"";
        break;
      }
    }
    if (!problem.empty()) {
      reject(out, kRejectMalformed, raw, problem);
      continue;
    }
    auto config = TuneConfig::from_json(config_json);
    if (!config) {
      reject(out, kRejectMalformed, raw, config.error().message);
      continue;
    }
    std::string shown = config->display();
    if (config->empty()) {
      reject(out, kRejectEmpty, shown, "no options (that is the baseline)");
      continue;
    }
    // The one allow-list: whatever else is checked here, nothing bypasses it.
    auto violations = check_config(*config, rules.family, rules.policy);
    if (!violations.empty()) {
      reject(out, kRejectNotAllowed, shown, describe_violations(violations));
      continue;
    }
    if (rules.space && !rules.space->dims().empty()) {
      if (auto bad = outside_space(*config, *rules.space)) {
        reject(out, kRejectOutsideSpace, shown, sanitize_text(*bad, 80));
        continue;
      }
    }
    std::string canonical = config->canonical();
    if ((rules.tried && rules.tried->count(canonical)) || accepted_now.count(canonical)) {
      reject(out, kRejectDuplicate, shown, "already tried or proposed");
      continue;
    }
    if (out.accepted.size() >= rules.max_accepted) {
      reject(out, kRejectSurplus, shown, "more candidates than asked for");
      continue;
    }
    accepted_now.insert(canonical);
    out.accepted.push_back({std::move(*config), "llm", std::move(rationale)});
  }
  return out;
}

} // namespace llmcc
