// llmcc's settings. Each value records where it came from, and the precedence is
// the one ccache users know: environment (LLMCC_<KEY>) > project file
// (.llmcc.conf in the working directory or above) > user file
// (~/.config/llmcc/llmcc.conf) > built-in default.
#pragma once

#include "util/expected.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

struct ConfigKey {
  std::string name;          // "lookup"
  std::string default_value; // "" where the default is computed
  std::string help;
};

// All known keys, in display order. Unknown keys in files are an error for
// `config set` and a warning when read.
const std::vector<ConfigKey>& config_keys();

enum class ConfigOrigin { Default, UserFile, ProjectFile, Environment };
std::string_view origin_name(ConfigOrigin o);

struct ConfigValue {
  std::string value;
  ConfigOrigin origin = ConfigOrigin::Default;
  std::string source; // file path or env var name
};

class Config {
public:
  // Reads files and the environment; `cwd` decides where the project file is looked for.
  static Config load(const std::string& cwd);

  const ConfigValue& get(const std::string& key) const;
  std::string str(const std::string& key) const { return get(key).value; }
  bool flag(const std::string& key) const;
  const std::map<std::string, ConfigValue>& all() const { return m_values; }
  const std::vector<std::string>& warnings() const { return m_warnings; }

  // Resolved paths.
  std::string cache_dir() const; // dir key, or XDG cache, or /tmp/llmcc-<uid>
  std::string db_path() const;   // db key, or <cache_dir>/llmcc.db
  std::string project_file() const { return m_project_file; }

  static std::string user_file_path();
  // Writes key=value into a config file, keeping other lines. Validates the key.
  static Status set_in_file(const std::string& path, const std::string& key, const std::string& value);
  static Status unset_in_file(const std::string& path, const std::string& key);

private:
  void read_file(const std::string& path, ConfigOrigin origin);
  std::map<std::string, ConfigValue> m_values;
  std::vector<std::string> m_warnings;
  std::string m_project_file;
};

} // namespace llmcc
