#include "cache/remote/claim_keeper.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>

namespace llmcc {

namespace {

// Signals go to the session's thread, whose handlers (Ctrl-C ends the session
// cleanly) expect to run there: the renewer starts with all of them blocked.
class SignalsBlocked {
public:
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    m_ok = pthread_sigmask(SIG_BLOCK, &all, &m_old) == 0;
  }
  ~SignalsBlocked() {
    if (m_ok) {
      pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
  }
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;

private:
  sigset_t m_old{};
  bool m_ok = false;
};

} // namespace

std::chrono::milliseconds ClaimKeeper::period_for(int64_t ttl_ms) {
  return std::chrono::milliseconds(std::clamp<int64_t>(ttl_ms / 6, 50, 60'000));
}

ClaimKeeper::ClaimKeeper(std::unique_ptr<RemoteStore> store, std::unique_ptr<RemoteStore> renew_store,
                         std::string hw_class, std::string owner, std::string host, int64_t ttl_ms,
                         ClaimBoard::Clock now)
    : m_store(std::move(store)), m_renew_store(std::move(renew_store)), m_period(period_for(ttl_ms)),
      m_board(*m_store, std::move(hw_class), std::move(owner), std::move(host), ttl_ms, std::move(now)) {
  SignalsBlocked blocked; // the thread inherits the mask
  m_renewer = std::jthread([this](std::stop_token stop) { renew_loop(stop); });
}

ClaimKeeper::~ClaimKeeper() {
  m_renewer.request_stop();
  m_wake.notify_all();
  if (m_renewer.joinable()) {
    m_renewer.join();
  }
  std::lock_guard lock(m_board_mutex);
  m_board.release_all();
}

ClaimOutcome ClaimKeeper::claim(const std::string& tu_key) {
  std::lock_guard lock(m_board_mutex);
  return m_board.claim(tu_key);
}

RemoteReply ClaimKeeper::release(const std::string& tu_key) {
  std::lock_guard lock(m_board_mutex);
  {
    std::lock_guard news(m_news_mutex);
    m_lost.erase(tu_key);
  }
  return m_board.release(tu_key);
}

RenewOutcome ClaimKeeper::news(const std::string& tu_key) {
  std::lock_guard lock(m_news_mutex);
  if (auto it = m_lost.find(tu_key); it != m_lost.end()) {
    RenewOutcome lost = it->second;
    m_lost.erase(it);
    return lost;
  }
  if (m_failure) {
    RenewOutcome failed{RenewState::Unavailable, {}, *m_failure};
    m_failure.reset();
    return failed;
  }
  return {};
}

void ClaimKeeper::renew_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock wait(m_wake_mutex);
      if (m_wake.wait_for(wait, stop, m_period, [] { return false; }) || stop.stop_requested()) {
        return;
      }
    }
    std::lock_guard lock(m_board_mutex);
    for (const std::string& tu_key : m_board.held()) {
      RenewOutcome o = m_board.renew(tu_key, *m_renew_store);
      if (o.state == RenewState::Lost) {
        std::lock_guard news(m_news_mutex);
        m_lost[tu_key] = o;
      } else if (o.state == RenewState::Unavailable) {
        std::lock_guard news(m_news_mutex);
        if (!m_failure_seen) {
          m_failure_seen = true;
          m_failure = o.message;
        }
      }
    }
  }
}

} // namespace llmcc
