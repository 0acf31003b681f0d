#include "flags/tune_config.h"

#include <algorithm>

namespace llmcc {

namespace {

// Bounds on untrusted input. Generous for any real config; they exist so a hostile
// bundle cannot make us hold or hash megabytes per TU.
constexpr size_t kMaxStringChars = 256;
constexpr size_t kMaxOptions = 64;
constexpr size_t kMaxPipelineChars = 8192;
// Enough for the bounds above even with every character \u-escaped.
constexpr size_t kMaxJsonTextChars = 256 * 1024;

constexpr std::string_view kMllvmPrefix = "-mllvm ";

Expected<std::string> string_field(const nlohmann::json& j, const char* key, size_t max_chars) {
  const auto& v = j.at(key);
  if (!v.is_string()) {
    return Error{std::string("tune config: \"") + key + "\" must be a string"};
  }
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_chars) {
    return Error{std::string("tune config: \"") + key + "\" is longer than " + std::to_string(max_chars) +
                 " characters"};
  }
  return s;
}

} // namespace

bool is_profile_hash(const std::string& pgo) {
  return pgo.size() == 32 &&
         std::all_of(pgo.begin(), pgo.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string> TuneConfig::argv_tokens() const {
  std::vector<std::string> out;
  if (!opt_level.empty()) {
    out.push_back(opt_level);
  }
  for (const auto& o : options) {
    if (o.compare(0, kMllvmPrefix.size(), kMllvmPrefix) == 0) {
      out.emplace_back("-mllvm");
      out.push_back(o.substr(kMllvmPrefix.size()));
    } else {
      out.push_back(o);
    }
  }
  return out;
}

std::string TuneConfig::canonical() const {
  std::vector<std::string> sorted = options;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  // JSON keeps the text unambiguous whatever the strings contain, and nlohmann
  // orders object keys, so the same config always gives the same bytes.
  nlohmann::json j = {{"opt", opt_level}, {"options", sorted}, {"pipeline", pipeline}};
  // Only when set, so every config stored before profile use keeps its text.
  if (!pgo.empty()) {
    j["pgo"] = pgo;
  }
  return j.dump();
}

std::string TuneConfig::display() const {
  if (empty()) {
    return "(default)";
  }
  std::string out = opt_level;
  for (const auto& o : options) {
    if (!out.empty()) {
      out += ' ';
    }
    out += o;
  }
  if (!pipeline.empty()) {
    if (!out.empty()) {
      out += ' ';
    }
    out += "passes=" + pipeline;
  }
  if (!pgo.empty()) {
    if (!out.empty()) {
      out += ' ';
    }
    out += "pgo=use";
  }
  return out;
}

nlohmann::json TuneConfig::to_json() const {
  nlohmann::json j = {{"opt", opt_level}, {"options", options}, {"pipeline", pipeline}};
  if (!pgo.empty()) {
    j["pgo"] = pgo;
  }
  return j;
}

Expected<TuneConfig> TuneConfig::from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    return Error{"tune config: expected a JSON object"};
  }
  for (const auto& item : j.items()) {
    const auto& key = item.key();
    if (key != "opt" && key != "options" && key != "pipeline" && key != "pgo") {
      // The key itself is untrusted text: report only a bounded prefix.
      return Error{"tune config: unknown key \"" + key.substr(0, 40) + "\""};
    }
  }
  TuneConfig c;
  if (j.contains("opt")) {
    auto s = string_field(j, "opt", kMaxStringChars);
    if (!s) {
      return s.error();
    }
    c.opt_level = std::move(*s);
  }
  if (j.contains("options")) {
    const auto& arr = j.at("options");
    if (!arr.is_array()) {
      return Error{"tune config: \"options\" must be an array of strings"};
    }
    if (arr.size() > kMaxOptions) {
      return Error{"tune config: more than " + std::to_string(kMaxOptions) + " options"};
    }
    for (const auto& o : arr) {
      if (!o.is_string()) {
        return Error{"tune config: \"options\" must be an array of strings"};
      }
      const auto& s = o.get_ref<const std::string&>();
      if (s.size() > kMaxStringChars) {
        return Error{"tune config: an option is longer than " + std::to_string(kMaxStringChars) + " characters"};
      }
      c.options.push_back(s);
    }
  }
  if (j.contains("pipeline")) {
    auto s = string_field(j, "pipeline", kMaxPipelineChars);
    if (!s) {
      return s.error();
    }
    c.pipeline = std::move(*s);
  }
  if (j.contains("pgo")) {
    auto s = string_field(j, "pgo", kMaxStringChars);
    if (!s) {
      return s.error();
    }
    if (!s->empty() && *s != kPgoRequest && !is_profile_hash(*s)) {
      return Error{"tune config: \"pgo\" must be \"use\" or a profile hash"};
    }
    c.pgo = std::move(*s);
  }
  return c;
}

Expected<TuneConfig> TuneConfig::parse(const std::string& json_text) {
  if (json_text.size() > kMaxJsonTextChars) {
    return Error{"tune config: JSON text too large"};
  }
  auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Error{"tune config: not valid JSON"};
  }
  return from_json(j);
}

} // namespace llmcc
