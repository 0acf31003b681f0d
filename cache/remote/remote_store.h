// Remote stores configured ccache-style in the `remote` setting: stores
// separated by spaces, each a URL followed by |attributes:
//   file:/shared/llmcc|read-only
//   http://user:pass@host:8080/llmcc|connect-timeout=200|operation-timeout=5000
//   redis://:pass@host:6379/2
// Credentials come only from the URL's userinfo or the environment
// (LLMCC_REMOTE_BEARER_TOKEN, LLMCC_REMOTE_USER/LLMCC_REMOTE_PASSWORD,
// LLMCC_REDIS_PASSWORD), are redacted in every message, and never stored.
// Only tool commands (push, pull) talk to stores: `llmcc` on the compile path
// does not link this code.
#pragma once

#include "util/expected.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

struct RemoteSpec {
  std::string url; // as written, credentials included: never print it, print redacted()
  bool read_only = false;
  int connect_timeout_ms = 100;    // ccache's default: a dead host costs little
  int operation_timeout_ms = 10000;
  std::string redacted() const;
};

// Parses the `remote` setting. A malformed entry is an error (as in ccache, the
// only fatal remote failure): a typo must not silently disable sharing.
Expected<std::vector<RemoteSpec>> parse_remote_setting(std::string_view setting);
// "scheme://user:***@host/..." (password and token-like userinfo replaced).
std::string redact_url(std::string_view url);

// How a store operation ended.
enum class RemoteFailure { None, Error, Timeout, Denied };
std::string_view to_string(RemoteFailure f);

struct RemoteReply {
  RemoteFailure failure = RemoteFailure::None;
  std::string message;             // already redacted
  std::optional<std::string> body; // get: the value; none = a miss
  std::vector<std::string> keys;   // list: full keys, sorted
  bool ok() const { return failure == RemoteFailure::None; }
};

class RemoteStore {
public:
  virtual ~RemoteStore() = default;
  // A miss is ok() with no body; only failures of the store itself are failures.
  virtual RemoteReply get(const std::string& key) = 0;
  virtual RemoteReply put(const std::string& key, std::string_view value) = 0;
  virtual RemoteReply remove(const std::string& key) = 0;
  // The keys one level below `prefix` (which ends in '/'): the per-host entries
  // of a class. Names outside [A-Za-z0-9_-] are left out (temporary files,
  // hostile names); a prefix nobody wrote to is ok() with no keys.
  virtual RemoteReply list(const std::string& prefix) = 0;

  // Conditional writes for host claims (cache/remote/claim_board.h). Each is
  // ok() with no body when it wrote, and ok() with the current value as body
  // when it did not ("" when the key is gone). `ttl_ms` lets a store expire
  // the key by itself (Redis); the others keep the expiry in the value.
  // The defaults (HTTP: nginx's WebDAV has no conditional PUT) are advisory:
  // write, wait kClaimVerifyMs, read back; see atomic_claims().
  virtual RemoteReply create(const std::string& key, std::string_view value, int ttl_ms);
  virtual RemoteReply swap(const std::string& key, std::string_view expected, std::string_view value, int ttl_ms);
  virtual RemoteReply remove_if(const std::string& key, std::string_view expected);
  // True when create/swap/remove_if are atomic on the server (Redis, file:).
  virtual bool atomic_claims() const { return false; }
  const RemoteSpec& spec() const { return m_spec; }

protected:
  explicit RemoteStore(RemoteSpec spec) : m_spec(std::move(spec)) {}
  RemoteSpec m_spec;
};

// The backend for the spec's scheme (file:, http:, https:, redis:).
Expected<std::unique_ptr<RemoteStore>> open_remote_store(const RemoteSpec& spec);

// Keys carry the layout's version and the hardware class, so stores shared by
// several llmcc versions and machine kinds never hand one the other's entries:
// "llmcc/v1/<class with '/' as '+'>/winners".
// The single-key layout of llmcc before per-host entries: still read by pull,
// never written.
std::string winners_key(const std::string& hw_class);
// "llmcc/v1/<class>/": what a pull's provenance names.
std::string class_prefix(const std::string& hw_class);
// Each state directory writes only its own entry, so concurrent pushes never
// overwrite one another, not even of two state directories on one host:
// "llmcc/v1/<class>/hosts/" and ".../hosts/<host fingerprint>-<store id>"
// (Store::store_id; the fingerprint cut so the name fits is_plain_key_name).
std::string hosts_prefix(const std::string& hw_class);
// Entries of the layout before store ids (".../hosts/<host fingerprint>", one
// for all of a host's state directories) are still listed and read by pull;
// push leaves them alone, since another state directory's winners may be only there.
std::string host_key(const std::string& hw_class, const std::string& host_fp, const std::string& store_id);
// Host claims on TUs being tuned: "llmcc/v1/<class>/claims/<tu key>".
std::string claims_prefix(const std::string& hw_class);
std::string claim_key(const std::string& hw_class, const std::string& tu_key);
// How long an advisory claim write waits before reading its value back: a
// rival's write that lands within it is seen, so two hosts both believe they
// hold a claim only when one request took longer than this.
inline constexpr int kClaimVerifyMs = 250;

// A key segment a store may hand back in a listing: [A-Za-z0-9_-]{1,64}.
bool is_plain_key_name(std::string_view name);
// Most per-host entries one pull reads for a class.
inline constexpr size_t kMaxRemoteListKeys = 4096;

// Largest value llmcc reads back from a store (a bundle's own limit).
inline constexpr size_t kMaxRemoteValueBytes = 64u << 20;

} // namespace llmcc
