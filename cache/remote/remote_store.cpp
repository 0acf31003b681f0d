#include "cache/remote/remote_store.h"

#include <algorithm>

#include "cache/remote/file_store.h"
#include "cache/remote/http_store.h"
#include "cache/remote/redis_store.h"
#include "util/enum_names.h"
#include "util/strings.h"

#include <fmt/format.h>

#include <charconv>
#include <thread>

namespace llmcc {

namespace {

std::optional<int> parse_ms(std::string_view v) {
  int out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || out <= 0 || out > 600000) {
    return std::nullopt;
  }
  return out;
}

} // namespace

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  std::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  std::string shown = colon == std::string_view::npos ? "***" : std::string(userinfo.substr(0, colon)) + ":***";
  return std::string(url.substr(0, start)) + shown + std::string(url.substr(start + at));
}

std::string RemoteSpec::redacted() const { return redact_url(url); }

Expected<std::vector<RemoteSpec>> parse_remote_setting(std::string_view setting) {
  std::vector<RemoteSpec> out;
  for (const auto& word : split(setting, ' ')) {
    auto parts = split(word, '|', false);
    RemoteSpec s;
    s.url = parts[0];
    if (!(starts_with(s.url, "file:") || starts_with(s.url, "http://") || starts_with(s.url, "https://") ||
          starts_with(s.url, "redis://"))) {
      return Error{fmt::format("remote store '{}': unknown scheme (file:, http://, https://, redis://)",
                               redact_url(s.url))};
    }
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string& a = parts[i];
      size_t eq = a.find('=');
      std::string name = a.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : a.substr(eq + 1);
      std::optional<int> ms;
      if (name == "read-only" && eq == std::string::npos) {
        s.read_only = true;
      } else if (name == "connect-timeout" && (ms = parse_ms(value))) {
        s.connect_timeout_ms = *ms;
      } else if (name == "operation-timeout" && (ms = parse_ms(value))) {
        s.operation_timeout_ms = *ms;
      } else {
        return Error{fmt::format("remote store '{}': bad attribute '{}' (read-only, connect-timeout=MS, "
                                 "operation-timeout=MS)",
                                 s.redacted(), redact_url(a))};
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string_view to_string(RemoteFailure f) {
  static constexpr EnumNames<RemoteFailure, 4> names = {{
      {RemoteFailure::None, "ok"},
      {RemoteFailure::Error, "error"},
      {RemoteFailure::Timeout, "timeout"},
      {RemoteFailure::Denied, "denied"},
  }};
  return name_of(names, f, "?");
}

std::string class_prefix(const std::string& hw_class) { return "llmcc/v1/" + replace_all(hw_class, "/", "+") + "/"; }

std::string winners_key(const std::string& hw_class) { return class_prefix(hw_class) + "winners"; }

std::string hosts_prefix(const std::string& hw_class) { return class_prefix(hw_class) + "hosts/"; }

std::string host_key(const std::string& hw_class, const std::string& host_fp, const std::string& store_id) {
  // A listing only returns names of up to 64 characters: the id must survive whole.
  const size_t room = 64 - 1 - std::min<size_t>(store_id.size(), 63);
  return hosts_prefix(hw_class) + host_fp.substr(0, room) + "-" + store_id;
}

std::string claims_prefix(const std::string& hw_class) { return class_prefix(hw_class) + "claims/"; }

std::string claim_key(const std::string& hw_class, const std::string& tu_key) {
  return claims_prefix(hw_class) + tu_key;
}

bool is_plain_key_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

namespace {

// The advisory write: put, wait, read back. Ours when the value read back is ours.
RemoteReply put_and_verify(RemoteStore& s, const std::string& key, std::string_view value) {
  if (RemoteReply put = s.put(key, value); !put.ok()) {
    return put;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kClaimVerifyMs));
  RemoteReply back = s.get(key);
  if (!back.ok()) {
    return back;
  }
  if (back.body && *back.body == value) {
    return {};
  }
  return {RemoteFailure::None, "", back.body.value_or("")};
}

} // namespace

RemoteReply RemoteStore::create(const std::string& key, std::string_view value, int) {
  RemoteReply cur = get(key);
  if (!cur.ok() || (cur.body && !cur.body->empty())) {
    return cur;
  }
  return put_and_verify(*this, key, value);
}

RemoteReply RemoteStore::swap(const std::string& key, std::string_view expected, std::string_view value, int) {
  RemoteReply cur = get(key);
  if (!cur.ok()) {
    return cur;
  }
  if (cur.body.value_or("") != expected) {
    return {RemoteFailure::None, "", cur.body.value_or("")};
  }
  return put_and_verify(*this, key, value);
}

RemoteReply RemoteStore::remove_if(const std::string& key, std::string_view expected) {
  RemoteReply cur = get(key);
  if (!cur.ok()) {
    return cur;
  }
  if (!cur.body || *cur.body != expected) {
    return {RemoteFailure::None, "", cur.body.value_or("")};
  }
  return remove(key);
}

Expected<std::unique_ptr<RemoteStore>> open_remote_store(const RemoteSpec& spec) {
  if (starts_with(spec.url, "file:")) {
    return make_file_store(spec);
  }
  if (starts_with(spec.url, "redis://")) {
    return make_redis_store(spec);
  }
  return make_http_store(spec);
}

} // namespace llmcc
