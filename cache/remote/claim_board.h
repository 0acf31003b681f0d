// Host claims: several hosts of one hardware class tuning the same project
// through one store each claim a TU before tuning it, so the others skip it and
// spend their budget on the next hot TU. A claim is a small JSON value at
// claim_key(class, tu key): who holds it and until when.
//
// Guarantees, by store (RemoteStore::atomic_claims):
//   redis:  SET NX PX and compare-and-set scripts: exactly one holder; the
//           server expires a killed session's claim.
//   file:   link() (exclusive create) and an flock for take-over and release:
//           exactly one holder; an expired claim is taken over by one host.
//   http:   advisory (WebDAV has no conditional PUT): write, wait
//           kClaimVerifyMs, read back. Two hosts both hold a claim only when a
//           request took longer than that wait.
// Whatever happens, winners are never lost: each host pushes under its own key
// (cache/remote/sync.h), so a claim only saves duplicated work. Expiry uses the
// claiming host's clock (and the server's too, for Redis).
#pragma once

#include "cache/remote/remote_store.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct ClaimRecord {
  std::string owner;    // one tuning session: "<host fingerprint>-<pid>-<random>"
  std::string host;     // who to name in messages: the host's name
  int64_t expires_ms = 0; // unix time
};

std::string encode_claim(const ClaimRecord& c);
// nullopt for anything that is not a claim (garbage is treated as expired).
std::optional<ClaimRecord> decode_claim(std::string_view text);

enum class ClaimState { Claimed, HeldElsewhere, Unavailable };

struct ClaimOutcome {
  ClaimState state = ClaimState::Unavailable;
  ClaimRecord holder;  // HeldElsewhere: the other session's claim
  std::string message; // Unavailable: why (redacted)
};

// NotDue: less than a third of the ttl passed since our last write (or we hold
// no claim on the TU). Lost: our claim expired and another session took it
// over; it is theirs now and we no longer touch it.
enum class RenewState { NotDue, Renewed, Lost, Unavailable };

struct RenewOutcome {
  RenewState state = RenewState::NotDue;
  ClaimRecord holder;  // Lost: who holds it now
  std::string message; // Unavailable: why (redacted)
};

class ClaimBoard {
public:
  using Clock = std::function<int64_t()>; // unix milliseconds
  ClaimBoard(RemoteStore& store, std::string hw_class, std::string owner, std::string host, int64_t ttl_ms,
             Clock now = {});

  // Claims `tu_key` for ttl_ms; a claim of this owner is renewed, an expired
  // or unreadable one taken over.
  ClaimOutcome claim(const std::string& tu_key);
  // Extends a claim we hold, once more than a third of the ttl has passed since
  // we last wrote it, and only while the store still holds our value (the
  // store's compare-and-set: a Lua script, the flock, or GET then PUT). A
  // claim that went away is created again; a store error leaves the claim as it
  // was, to be tried again a third of the ttl later.
  RenewOutcome renew(const std::string& tu_key);
  // The same through another connection to the same store (ClaimKeeper's
  // renewer thread has its own: a connection is used by one thread only).
  RenewOutcome renew(const std::string& tu_key, RemoteStore& via);
  // The TU keys of the claims held now.
  std::vector<std::string> held() const;
  // Removes the claim if it is still ours (an expired one another session took
  // over is left alone).
  RemoteReply release(const std::string& tu_key);
  // Releases every claim still held (the session ends or is stopped).
  void release_all();

private:
  RemoteStore& m_store;
  std::string m_class;
  std::string m_owner;
  std::string m_host;
  int64_t m_ttl_ms;
  Clock m_now;
  struct Held {
    std::string value;     // what we last wrote
    int64_t written_ms = 0; // when we last wrote it or tried to
  };
  std::map<std::string, Held> m_held; // by tu key
};

// "<host fingerprint>-<pid>-<random hex>": two sessions on one host (two state
// directories) are different owners.
std::string make_claim_owner(const std::string& host_fp);

} // namespace llmcc
