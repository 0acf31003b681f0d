// TEMPORARY until the cache-layer branch lands.
#include "cache/store.h"

namespace llmcc {

Expected<std::optional<std::vector<std::string>>> Store::probed_options(const std::string& key) {
  auto st = m_db->prepare("SELECT value FROM meta WHERE key=?");
  if (!st) {
    return Error{st.error()};
  }
  st->bind(1, key);
  if (auto row = st->step(); row && *row) {
    auto j = nlohmann::json::parse(st->text(0), nullptr, false);
    if (j.is_array()) {
      return std::optional<std::vector<std::string>>(j.get<std::vector<std::string>>());
    }
  }
  return std::optional<std::vector<std::string>>();
}

Status Store::put_probed_options(const std::string& key, const std::vector<std::string>& accepted) {
  auto st = m_db->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  if (!st) {
    return Error{st.error()};
  }
  st->bind(1, key).bind(2, nlohmann::json(accepted).dump());
  return st->run();
}

} // namespace llmcc
