// Host claims kept alive while a trial runs (docs/sharing.md). A trial can take
// longer than the claim's expiry (a slow benchmark, a long --verify). If claims
// were renewed only between trials, such a trial would outlive its claim and
// another host could take the TU. The keeper is a ClaimBoard the tuning session
// claims and releases through, plus a thread of its own that renews the claims
// held, every period_for(ttl). The thread uses its own connection to the store,
// because a hiredis context or a curl handle serves one thread only.
//
// The session never waits for a renewal while it measures. A claim or a release
// at a TU boundary waits at most for one renewal in flight. A failed renewal
// never fails the session: it is reported through news(), once, and tried again
// at the next period.
#pragma once

#include "cache/remote/claim_board.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

namespace llmcc {

class ClaimKeeper {
public:
  // `store` serves the session's claims and releases, `renew_store` (another
  // connection to the same store) the renewer's thread. `now` as ClaimBoard's;
  // it is called from both threads.
  ClaimKeeper(std::unique_ptr<RemoteStore> store, std::unique_ptr<RemoteStore> renew_store, std::string hw_class,
              std::string owner, std::string host, int64_t ttl_ms, ClaimBoard::Clock now = {});
  // Stops the renewer, then releases every claim still held.
  ~ClaimKeeper();
  ClaimKeeper(const ClaimKeeper&) = delete;
  ClaimKeeper& operator=(const ClaimKeeper&) = delete;

  ClaimOutcome claim(const std::string& tu_key);
  RemoteReply release(const std::string& tu_key);
  // What the renewer saw since the last call: Lost for `tu_key` (once; the
  // claim is another session's now and is no longer touched), else the
  // session's first failed renewal as Unavailable (once), else NotDue. Never
  // waits for the store.
  RenewOutcome news(const std::string& tu_key);

  // How often the renewer looks at its claims: a sixth of the ttl (a claim is
  // renewed once a third of it has passed, so it is renewed by the time half
  // of it has passed), between 50 ms and 60 s.
  static std::chrono::milliseconds period_for(int64_t ttl_ms);

private:
  void renew_loop(std::stop_token stop);

  std::unique_ptr<RemoteStore> m_store;
  std::unique_ptr<RemoteStore> m_renew_store;
  std::chrono::milliseconds m_period;
  std::mutex m_board_mutex; // the board: claims, releases and a renewal pass take turns
  ClaimBoard m_board;
  std::mutex m_news_mutex; // what news() reports; never held while the store is asked
  std::map<std::string, RenewOutcome> m_lost;
  std::optional<std::string> m_failure; // the first failed renewal, not yet reported
  bool m_failure_seen = false;
  std::condition_variable_any m_wake;
  std::mutex m_wake_mutex;
  std::jthread m_renewer; // last: starts once everything it uses exists, stopped first
};

} // namespace llmcc
