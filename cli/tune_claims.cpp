// `llmcc tune`'s host claims: the tuner asks through TuClaims (tuner/tu_claims.h),
// this file answers with a ClaimBoard on the first writable remote store.
#include "cli/tune_claims.h"

#include <unistd.h>

#include <fmt/format.h>

#include <ctime>

#include "cache/remote/claim_keeper.h"
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

// Host claims through the first writable remote store, kept alive during
// trials by a ClaimKeeper (cache/remote/claim_keeper.h). A store that fails is
// warned about once and tuning goes on unclaimed.
class RemoteTuClaims : public TuClaims {
public:
  explicit RemoteTuClaims(std::unique_ptr<ClaimKeeper> keeper) : m_keeper(std::move(keeper)) {}

  std::optional<std::string> claim(const std::string& tu_key) override {
    if (!m_keeper) {
      return std::nullopt;
    }
    ClaimOutcome o = m_keeper->claim(tu_key);
    if (o.state == ClaimState::HeldElsewhere) {
      return fmt::format("claimed by host {} until {}, skipping", o.holder.host.empty() ? "?" : o.holder.host,
                         utc_time(o.holder.expires_ms));
    }
    if (o.state == ClaimState::Unavailable) {
      log::warn("host claims unavailable ({}); tuning without claims", o.message);
      m_keeper.reset();
    }
    return std::nullopt;
  }

  std::optional<std::string> lost(const std::string& tu_key) override {
    if (!m_keeper) {
      return std::nullopt;
    }
    RenewOutcome o = m_keeper->news(tu_key);
    if (o.state == RenewState::Lost) {
      return fmt::format("claim lost: it expired and host {} holds it until {}; finishing this TU anyway",
                         o.holder.host.empty() ? "?" : o.holder.host, utc_time(o.holder.expires_ms));
    }
    if (o.state == RenewState::Unavailable) {
      // The keeper reports its first failure only: a dead store is one warning.
      log::warn("could not renew a host claim ({}); tuning goes on", o.message);
    }
    return std::nullopt;
  }

  void release(const std::string& tu_key) override {
    if (m_keeper) {
      if (RemoteReply r = m_keeper->release(tu_key); !r.ok()) {
        log::warn("could not release a host claim ({}); it expires by itself", r.message);
      }
    }
  }

private:
  std::unique_ptr<ClaimKeeper> m_keeper; // its destructor releases what is still held
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
  // Two connections: the session's, and the renewer thread's own.
  std::unique_ptr<RemoteStore> stores[2];
  for (auto& s : stores) {
    auto opened = open_remote_store(*writable);
    if (!opened) {
      log::warn("host claims unavailable ({}); tuning without claims", opened.error().message);
      return nullptr;
    }
    s = std::move(*opened);
  }
  const BundleProvenance host = this_host();
  char name[256] = {};
  std::string host_name = ::gethostname(name, sizeof name - 1) == 0 ? name : host.host_fp;
  return std::make_unique<RemoteTuClaims>(std::make_unique<ClaimKeeper>(
      std::move(stores[0]), std::move(stores[1]), host.hw_class, make_claim_owner(host.host_fp),
      host_name + " (" + host.host_fp + ")", ttl_sec * 1000));
}

} // namespace llmcc::cli
