#include "cache/remote/host_index.h"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace llmcc {

namespace {

constexpr int kIndexVersion = 1;

// The names in an index body, or an error for a body that is not one.
Expected<std::vector<std::string>> parse_index(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("hosts") || !j["hosts"].is_array()) {
    return Error{"not an index of host entries"};
  }
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != kIndexVersion) {
    return Error{fmt::format("index version is not {}", kIndexVersion)};
  }
  std::vector<std::string> names;
  for (const auto& n : j["hosts"]) {
    if (n.is_string() && is_plain_key_name(n.get<std::string>()) && names.size() < kMaxRemoteListKeys) {
      names.push_back(n.get<std::string>());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

} // namespace

std::string host_index_key(const std::string& hw_class) { return class_prefix(hw_class) + "index"; }

RemoteReply read_host_index(RemoteStore& store, const std::string& hw_class) {
  const std::string key = host_index_key(hw_class);
  RemoteReply got = store.get(key);
  if (!got.ok() || !got.body) {
    return got;
  }
  auto names = parse_index(*got.body);
  if (!names) {
    return {RemoteFailure::Error, fmt::format("unreadable index {}: {}", key, names.error().message), std::nullopt};
  }
  RemoteReply out;
  for (const auto& n : *names) {
    out.keys.push_back(hosts_prefix(hw_class) + n);
  }
  return out;
}

RemoteReply add_to_host_index(RemoteStore& store, const std::string& hw_class, const std::string& entry_key) {
  const std::string prefix = hosts_prefix(hw_class);
  if (entry_key.rfind(prefix, 0) != 0 || !is_plain_key_name(entry_key.substr(prefix.size()))) {
    return {RemoteFailure::Error, fmt::format("{} is not a host entry of its class", entry_key), std::nullopt};
  }
  const std::string name = entry_key.substr(prefix.size());
  const std::string key = host_index_key(hw_class);
  RemoteReply got = store.get(key);
  if (!got.ok()) {
    return got;
  }
  std::vector<std::string> names;
  if (got.body) {
    if (auto parsed = parse_index(*got.body)) {
      names = std::move(*parsed);
    }
  }
  if (std::find(names.begin(), names.end(), name) != names.end()) {
    return {};
  }
  if (names.size() >= kMaxRemoteListKeys) {
    return {RemoteFailure::Error, fmt::format("index {} is full ({} entries)", key, names.size()), std::nullopt};
  }
  names.push_back(name);
  std::sort(names.begin(), names.end());
  return store.put(key, nlohmann::json{{"version", kIndexVersion}, {"hosts", names}}.dump());
}

} // namespace llmcc
