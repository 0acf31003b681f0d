// `llmcc tune`'s host claims: the tuner asks through TuClaims (tuner/tu_claims.h),
// this file answers with a ClaimBoard on the first writable remote store.
#include "cli/tune_claims.h"

#include <unistd.h>

#include <fmt/format.h>

#include <ctime>

#include "cache/remote/claim_board.h"
#include "cache/remote/remote_store.h"
#include "cli/sharing_host.h"
#include "util/log.h"

namespace llmcc::cli {

namespace {

std::string utc_time(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm {};
  char buf[32] = "?";
  if (gmtime_r(&t, &tm)) {
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  }
  return buf;
}

// Host claims through the first writable remote store (cache/remote/claim_board.h).
// A store that fails is warned about once and tuning goes on unclaimed.
class RemoteTuClaims : public TuClaims {
public:
  RemoteTuClaims(std::unique_ptr<RemoteStore> store, const BundleProvenance& host, int64_t ttl_ms)
      : m_store(std::move(store)) {
    char name[256] = {};
    std::string host_name = ::gethostname(name, sizeof name - 1) == 0 ? name : host.host_fp;
    m_board.emplace(*m_store, host.hw_class, make_claim_owner(host.host_fp), host_name + " (" + host.host_fp + ")",
                    ttl_ms);
  }
  ~RemoteTuClaims() override {
    if (m_board) {
      m_board->release_all();
    }
  }

  std::optional<std::string> claim(const std::string& tu_key) override {
    if (!m_board) {
      return std::nullopt;
    }
    ClaimOutcome o = m_board->claim(tu_key);
    if (o.state == ClaimState::HeldElsewhere) {
      return fmt::format("claimed by host {} until {}, skipping", o.holder.host.empty() ? "?" : o.holder.host,
                         utc_time(o.holder.expires_ms));
    }
    if (o.state == ClaimState::Unavailable) {
      log::warn("host claims unavailable ({}); tuning without claims", o.message);
      m_board.reset();
    }
    return std::nullopt;
  }

  std::optional<std::string> renew(const std::string& tu_key) override {
    if (!m_board) {
      return std::nullopt;
    }
    RenewOutcome o = m_board->renew(tu_key);
    if (o.state == RenewState::Lost) {
      return fmt::format("claim lost: it expired and host {} holds it until {}; finishing this TU anyway",
                         o.holder.host.empty() ? "?" : o.holder.host, utc_time(o.holder.expires_ms));
    }
    if (o.state == RenewState::Unavailable && !m_renew_warned) {
      m_renew_warned = true;
      log::warn("could not renew a host claim ({}); tuning goes on", o.message);
    }
    return std::nullopt;
  }

  void release(const std::string& tu_key) override {
    if (m_board) {
      if (RemoteReply r = m_board->release(tu_key); !r.ok()) {
        log::warn("could not release a host claim ({}); it expires by itself", r.message);
      }
    }
  }

private:
  std::unique_ptr<RemoteStore> m_store;
  std::optional<ClaimBoard> m_board;
  bool m_renew_warned = false; // a dead store is one warning, however many renewals fail
};

} // namespace

std::unique_ptr<TuClaims> open_claims(const Config& config, bool no_claims) {
  const std::string mode = config.str("claims");
  if (no_claims || mode == "off" || mode == "false" || mode == "0") {
    return nullptr;
  }
  auto specs = parse_remote_setting(config.str("remote"));
  if (!specs) {
    log::warn("host claims off: {}", specs.error().message);
    return nullptr;
  }
  const RemoteSpec* writable = nullptr;
  for (const auto& s : *specs) {
    if (!s.read_only) {
      writable = &s;
      break;
    }
  }
  if (!writable) {
    if (mode == "on" || mode == "true" || mode == "1") {
      log::warn("claims is on but no writable remote store is configured: tuning without claims");
    }
    return nullptr;
  }
  int64_t ttl_sec = 3600;
  try {
    ttl_sec = std::max<int64_t>(1, std::stoll(config.str("claim_ttl")));
  } catch (const std::exception&) {
    log::warn("claim_ttl '{}' is not a number of seconds: using 3600", config.str("claim_ttl"));
  }
  auto store = open_remote_store(*writable);
  if (!store) {
    log::warn("host claims unavailable ({}); tuning without claims", store.error().message);
    return nullptr;
  }
  return std::make_unique<RemoteTuClaims>(std::move(*store), this_host(), ttl_sec * 1000);
}

} // namespace llmcc::cli
