#include "cache/remote/claim_board.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <unistd.h>

namespace llmcc {

namespace {

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Claims are a few hundred bytes; anything larger is not one.
constexpr size_t kMaxClaimBytes = 4096;
constexpr size_t kMaxHostChars = 128;

} // namespace

std::string encode_claim(const ClaimRecord& c) {
  return nlohmann::json{{"v", 1}, {"owner", c.owner}, {"host", c.host}, {"expires_ms", c.expires_ms}}.dump();
}

std::optional<ClaimRecord> decode_claim(std::string_view text) {
  if (text.empty() || text.size() > kMaxClaimBytes) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("v", 0) != 1 || !j.contains("owner") || !j["owner"].is_string() ||
      !j.contains("expires_ms") || !j["expires_ms"].is_number_integer()) {
    return std::nullopt;
  }
  ClaimRecord c;
  c.owner = j["owner"].get<std::string>();
  // The holder's name is printed on the other host's terminal: printable ASCII
  // only, and short, whatever the store served.
  if (j.contains("host") && j["host"].is_string()) {
    for (char ch : j["host"].get<std::string>()) {
      if (ch >= 0x20 && ch < 0x7f && c.host.size() < kMaxHostChars) {
        c.host += ch;
      }
    }
  }
  c.expires_ms = j["expires_ms"].get<int64_t>();
  if (c.owner.empty()) {
    return std::nullopt;
  }
  return c;
}

std::string make_claim_owner(const std::string& host_fp) {
  std::random_device rd;
  return fmt::format("{}-{}-{:08x}", host_fp, ::getpid(), rd());
}

ClaimBoard::ClaimBoard(RemoteStore& store, std::string hw_class, std::string owner, std::string host, int64_t ttl_ms,
                       Clock now)
    : m_store(store), m_class(std::move(hw_class)), m_owner(std::move(owner)), m_host(std::move(host)),
      m_ttl_ms(ttl_ms), m_now(now ? std::move(now) : Clock(system_now_ms)) {}

ClaimOutcome ClaimBoard::claim(const std::string& tu_key) {
  const std::string key = claim_key(m_class, tu_key);
  const int64_t now = m_now();
  const std::string mine = encode_claim({m_owner, m_host, now + m_ttl_ms});
  const int ttl = static_cast<int>(std::min<int64_t>(m_ttl_ms, 1 << 30));
  RemoteReply r = m_store.create(key, mine, ttl);
  // A few rounds: the claim we saw may expire, be released or be taken over meanwhile.
  for (int round = 0; round < 4 && r.ok() && r.body; ++round) {
    const std::string current = *r.body;
    if (current.empty()) {
      r = m_store.create(key, mine, ttl);
      continue;
    }
    std::optional<ClaimRecord> held = decode_claim(current);
    if (held && held->owner != m_owner && held->expires_ms > now) {
      return {ClaimState::HeldElsewhere, *held, ""};
    }
    // Ours (renewed), expired, or not a claim at all: take it over.
    r = m_store.swap(key, current, mine, ttl);
  }
  if (!r.ok()) {
    return {ClaimState::Unavailable, {}, r.message};
  }
  if (r.body) {
    return {ClaimState::Unavailable, {}, fmt::format("{}: the claim on {} kept changing", m_store.spec().redacted(),
                                                     key)};
  }
  m_held[tu_key] = {mine, now};
  return {ClaimState::Claimed, {m_owner, m_host, now + m_ttl_ms}, ""};
}

RenewOutcome ClaimBoard::renew(const std::string& tu_key) { return renew(tu_key, m_store); }

std::vector<std::string> ClaimBoard::held() const {
  std::vector<std::string> out;
  for (const auto& [tu_key, claim] : m_held) {
    out.push_back(tu_key);
  }
  return out;
}

RenewOutcome ClaimBoard::renew(const std::string& tu_key, RemoteStore& via) {
  auto it = m_held.find(tu_key);
  const int64_t now = m_now();
  if (it == m_held.end() || now - it->second.written_ms <= m_ttl_ms / 3) {
    return {};
  }
  it->second.written_ms = now;
  const std::string key = claim_key(m_class, tu_key);
  const std::string mine = encode_claim({m_owner, m_host, now + m_ttl_ms});
  const int ttl = static_cast<int>(std::min<int64_t>(m_ttl_ms, 1 << 30));
  RemoteReply r = via.swap(key, it->second.value, mine, ttl);
  // Gone (Redis expired it, or someone deleted it): nobody else holds it, so
  // it is ours again if we are first.
  if (r.ok() && r.body && r.body->empty()) {
    r = via.create(key, mine, ttl);
  }
  if (!r.ok()) {
    return {RenewState::Unavailable, {}, r.message};
  }
  if (r.body) {
    std::optional<ClaimRecord> now_held = decode_claim(*r.body);
    if (!now_held || now_held->owner == m_owner) {
      // Garbage in its place, or our own claim written by an earlier
      // renewal whose reply was lost: ours to overwrite, as claim() would.
      r = via.swap(key, *r.body, mine, ttl);
      if (!r.ok()) {
        return {RenewState::Unavailable, {}, r.message};
      }
    }
    if (r.body) {
      // Not ours: the holder's claim stays, and release() must not remove it.
      std::optional<ClaimRecord> holder = decode_claim(*r.body);
      m_held.erase(it);
      return {RenewState::Lost, holder.value_or(ClaimRecord{}), ""};
    }
  }
  it->second.value = mine;
  return {RenewState::Renewed, {m_owner, m_host, now + m_ttl_ms}, ""};
}

RemoteReply ClaimBoard::release(const std::string& tu_key) {
  auto it = m_held.find(tu_key);
  if (it == m_held.end()) {
    return {};
  }
  RemoteReply r = m_store.remove_if(claim_key(m_class, tu_key), it->second.value);
  m_held.erase(it);
  return r;
}

void ClaimBoard::release_all() {
  while (!m_held.empty()) {
    (void)release(m_held.begin()->first);
  }
}

} // namespace llmcc
