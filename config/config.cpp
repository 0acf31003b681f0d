#include "config/config.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <cstdlib>

#include "util/enum_names.h"
#include "util/fs.h"
#include "util/strings.h"

namespace llmcc {

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"dir", "", "cache directory (default: $XDG_CACHE_HOME/llmcc or ~/.cache/llmcc)"},
      {"db", "", "database file (default: <dir>/llmcc.db)"},
      {"cc", "", "real C compiler when llmcc is used as CC"},
      {"cxx", "", "real C++ compiler when llmcc++ is used as CXX"},
      {"disable", "false", "pass every command straight to the real compiler"},
      {"capture", "true", "record compile and link commands for llmcc tune"},
      {"lookup", "nearest", "winner lookup: exact (same preprocessed code) or nearest (also same source file, compiler and hardware class)"},
      {"base_dir", "", "checkout root; paths under it are made relative in keys (default: nearest .git or .llmcc.conf)"},
      {"allow_unsafe_math", "false", "let tuning use -ffast-math and kin (changes floating-point results)"},
      {"allow_errno_math", "true", "let tuning use -fno-math-errno on TUs that never mention errno"},
      {"llm_url", "", "OpenAI-compatible chat-completions base URL, e.g. http://localhost:11434/v1"},
      {"llm_model", "", "model name for the LLM planner"},
      {"llm_api_key_env", "OPENAI_API_KEY", "name of the environment variable holding the API key (the key itself is never stored)"},
      {"remote", "", "remote stores, space separated: http://host/path redis://host:port"},
      {"claims", "auto", "host claims in llmcc tune: on, off, auto (on when a writable remote store is configured)"},
      {"claim_ttl", "3600", "seconds a host claim on a TU lasts (a killed session's claim expires then)"},
      {"remote_sync_interval", "300", "seconds between automatic background pulls from the remote stores (0 = off)"},
      {"trial_history", "50", "tuning sessions whose trials are kept: llmcc tune drops older ones with their trials (winners stay)"},
      {"pgo", "off", "profile-guided tuning in llmcc tune: off, on (as --pgo: say why when it cannot), auto (when the compiler's profile tools are there)"},
  };
  return keys;
}

std::string_view origin_name(ConfigOrigin o) {
  static constexpr EnumNames<ConfigOrigin, 4> names = {{
      {ConfigOrigin::Default, "default"},
      {ConfigOrigin::UserFile, "user file"},
      {ConfigOrigin::ProjectFile, "project file"},
      {ConfigOrigin::Environment, "environment"},
  }};
  return name_of(names, o, "?");
}

static bool known_key(const std::string& key) {
  const auto& keys = config_keys();
  return std::any_of(keys.begin(), keys.end(), [&](const ConfigKey& k) { return k.name == key; });
}

static std::string env_name(const std::string& key) {
  std::string out = "LLMCC_";
  for (char c : key) {
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Config::user_file_path() {
  if (const char* explicit_path = std::getenv("LLMCC_CONFIG"); explicit_path && *explicit_path) {
    return explicit_path;
  }
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/llmcc/llmcc.conf";
  }
  std::string home = fs::home_dir();
  return home.empty() ? std::string() : home + "/.config/llmcc/llmcc.conf";
}

void Config::read_file(const std::string& path, ConfigOrigin origin) {
  auto text = fs::read_file(path);
  if (!text) {
    return;
  }
  int line_no = 0;
  for (const auto& raw : split(*text, '\n', false)) {
    ++line_no;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      m_warnings.push_back(fmt::format("{}:{}: expected key = value", path, line_no));
      continue;
    }
    std::string key = trim(line.substr(0, eq));
    if (!known_key(key)) {
      m_warnings.push_back(fmt::format("{}:{}: unknown key '{}'", path, line_no, key));
      continue;
    }
    m_values[key] = {trim(line.substr(eq + 1)), origin, path};
  }
}

Config Config::load(const std::string& cwd) {
  Config c;
  for (const auto& k : config_keys()) {
    c.m_values[k.name] = {k.default_value, ConfigOrigin::Default, ""};
  }
  if (std::string user = user_file_path(); !user.empty()) {
    c.read_file(user, ConfigOrigin::UserFile);
  }
  for (std::string dir = cwd; !dir.empty();) {
    std::string candidate = (dir == "/" ? "" : dir) + "/.llmcc.conf";
    if (fs::exists(candidate)) {
      c.m_project_file = candidate;
      c.read_file(candidate, ConfigOrigin::ProjectFile);
      break;
    }
    if (dir == "/") {
      break;
    }
    dir = fs::dir_name(dir);
  }
  for (const auto& k : config_keys()) {
    std::string name = env_name(k.name);
    if (const char* v = std::getenv(name.c_str()); v != nullptr) {
      c.m_values[k.name] = {v, ConfigOrigin::Environment, name};
    }
  }
  return c;
}

const ConfigValue& Config::get(const std::string& key) const {
  static const ConfigValue empty;
  auto it = m_values.find(key);
  return it == m_values.end() ? empty : it->second;
}

bool Config::flag(const std::string& key) const {
  std::string v = to_lower(str(key));
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

std::string Config::cache_dir() const {
  if (!str("dir").empty()) {
    return str("dir");
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/llmcc";
  }
  if (std::string home = fs::home_dir(); !home.empty() && home != "/") {
    return home + "/.cache/llmcc";
  }
  // Bazel's sandbox has no HOME; /tmp is the one place that is writable there.
  return fmt::format("/tmp/llmcc-{}", ::getuid());
}

std::string Config::db_path() const {
  return str("db").empty() ? cache_dir() + "/llmcc.db" : str("db");
}

static Status rewrite(const std::string& path, const std::string& key,
                      const std::optional<std::string>& value) {
  if (!known_key(key)) {
    return Error{fmt::format("unknown configuration key '{}' (see llmcc config list)", key)};
  }
  std::string text = fs::read_file(path).value_or("");
  std::vector<std::string> out;
  bool replaced = false;
  for (const auto& raw : split(text, '\n', false)) {
    std::string line = trim(raw);
    auto eq = line.find('=');
    if (!line.empty() && line[0] != '#' && eq != std::string::npos && trim(line.substr(0, eq)) == key) {
      if (value && !replaced) {
        out.push_back(key + " = " + *value);
      }
      replaced = true;
      continue;
    }
    out.push_back(raw);
  }
  while (!out.empty() && out.back().empty()) {
    out.pop_back();
  }
  if (value && !replaced) {
    out.push_back(key + " = " + *value);
  }
  if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
    return s;
  }
  return fs::write_file_atomic(path, join(out, "\n") + "\n");
}

// What `config set` accepts for the keys with a fixed form. The readers stay
// lenient (a hand-edited file warns and falls back), but a value typed into
// `config set` is refused at once instead of surfacing sessions later.
static Status check_value(const std::string& key, const std::string& value) {
  static const std::vector<std::string> kBool = {"true", "false", "yes", "no", "on", "off", "1", "0"};
  static const std::map<std::string, std::vector<std::string>> kChoices = {
      {"lookup", {"exact", "nearest"}}, {"claims", {"auto", "on", "off"}}, {"pgo", {"auto", "on", "off"}},
      {"disable", kBool},               {"capture", kBool},                {"allow_unsafe_math", kBool},
      {"allow_errno_math", kBool}};
  // Whole numbers, with the smallest each accepts.
  static const std::map<std::string, long long> kCounts = {
      {"claim_ttl", 1}, {"trial_history", 1}, {"remote_sync_interval", 0}};
  if (auto it = kChoices.find(key); it != kChoices.end()) {
    if (std::find(it->second.begin(), it->second.end(), to_lower(value)) == it->second.end()) {
      return Error{fmt::format("{} = {}: expected one of {}", key, value, join(it->second, ", "))};
    }
  }
  if (auto it = kCounts.find(key); it != kCounts.end()) {
    long long n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < it->second) {
      return Error{fmt::format("{} = {}: expected a whole number, at least {}", key, value, it->second)};
    }
  }
  return {};
}

Status Config::set_in_file(const std::string& path, const std::string& key, const std::string& value) {
  if (value.find('\n') != std::string::npos) {
    return Error{"configuration values cannot contain newlines"};
  }
  if (known_key(key)) {
    if (Status s = check_value(key, value); !s) {
      return s;
    }
  }
  return rewrite(path, key, value);
}

Status Config::unset_in_file(const std::string& path, const std::string& key) {
  return rewrite(path, key, std::nullopt);
}

} // namespace llmcc
