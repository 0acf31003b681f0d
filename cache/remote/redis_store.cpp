#include "cache/remote/redis_store.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>

namespace llmcc {

namespace {

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct RedisAddress {
  std::string user, password, host;
  int port = 6379;
  int db = 0;
};

Expected<RedisAddress> parse_address(const std::string& url) {
  RedisAddress a;
  std::string rest = url.substr(8); // after redis://
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos && slash + 1 < rest.size()) {
    std::string db = rest.substr(slash + 1);
    auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), a.db);
    if (ec != std::errc() || p != db.data() + db.size() || a.db < 0) {
      return Error{"bad database number"};
    }
  }
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != std::string::npos) {
      a.user = userinfo.substr(0, colon);
      a.password = userinfo.substr(colon + 1);
    } else {
      a.password = userinfo;
    }
  }
  if (size_t colon = authority.rfind(':'); colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || p != port.data() + port.size() || a.port <= 0 || a.port > 65535) {
      return Error{"bad port"};
    }
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) {
    return Error{"no host"};
  }
  a.host = authority;
  if (a.password.empty()) {
    if (const char* pw = std::getenv("LLMCC_REDIS_PASSWORD")) {
      a.password = pw;
    }
  }
  return a;
}

timeval to_timeval(int ms) { return {ms / 1000, static_cast<suseconds_t>((ms % 1000) * 1000)}; }

class RedisStore : public RemoteStore {
public:
  RedisStore(RemoteSpec spec, RedisAddress address) : RemoteStore(std::move(spec)), m_address(std::move(address)) {}

  RemoteReply get(const std::string& key) override {
    return command([&](redisContext* c) { return redisCommand(c, "GET %b", key.data(), key.size()); },
                   [](redisReply* r, RemoteReply& out) {
                     if (r->type == REDIS_REPLY_STRING) {
                       if (static_cast<size_t>(r->len) > kMaxRemoteValueBytes) {
                         out = {RemoteFailure::Error, "value too large", std::nullopt};
                         return;
                       }
                       out.body = std::string(r->str, static_cast<size_t>(r->len));
                     }
                   });
  }

  RemoteReply put(const std::string& key, std::string_view value) override {
    return command(
        [&](redisContext* c) { return redisCommand(c, "SET %b %b", key.data(), key.size(), value.data(), value.size()); },
        [](redisReply*, RemoteReply&) {});
  }

  RemoteReply remove(const std::string& key) override {
    return command([&](redisContext* c) { return redisCommand(c, "DEL %b", key.data(), key.size()); },
                   [](redisReply*, RemoteReply&) {});
  }

  RemoteReply list(const std::string& prefix) override {
    // SCAN, not KEYS: it never blocks a shared server. The prefix is a glob: escape it.
    std::string pattern;
    for (char c : prefix) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        pattern += '\\';
      }
      pattern += c;
    }
    pattern += '*';
    RemoteReply out;
    std::string cursor = "0";
    for (int round = 0; round < 10000; ++round) {
      std::string next;
      RemoteReply r = command(
          [&](redisContext* c) {
            return redisCommand(c, "SCAN %s MATCH %b COUNT 1000", cursor.c_str(), pattern.data(), pattern.size());
          },
          [&](redisReply* reply, RemoteReply& o) {
            if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
                reply->element[0]->type != REDIS_REPLY_STRING || reply->element[1]->type != REDIS_REPLY_ARRAY) {
              o = {RemoteFailure::Error, fmt::format("{}: SCAN: unexpected reply", m_spec.redacted()), std::nullopt};
              return;
            }
            next.assign(reply->element[0]->str, static_cast<size_t>(reply->element[0]->len));
            for (size_t i = 0; i < reply->element[1]->elements; ++i) {
              const redisReply* k = reply->element[1]->element[i];
              if (k->type != REDIS_REPLY_STRING) {
                continue;
              }
              std::string key(k->str, static_cast<size_t>(k->len));
              if (key.size() > prefix.size() && is_plain_key_name(std::string_view(key).substr(prefix.size())) &&
                  out.keys.size() < kMaxRemoteListKeys) {
                out.keys.push_back(std::move(key));
              }
            }
          });
      if (!r.ok()) {
        return r;
      }
      cursor = next;
      if (cursor == "0" || cursor.empty()) {
        break;
      }
    }
    // SCAN may return a key twice.
    std::sort(out.keys.begin(), out.keys.end());
    out.keys.erase(std::unique(out.keys.begin(), out.keys.end()), out.keys.end());
    return out;
  }

  // SET NX PX: the server decides which host's claim is first and expires it
  // by itself, so a killed session's claim goes away on time.
  RemoteReply create(const std::string& key, std::string_view value, int ttl_ms) override {
    for (int attempt = 0; attempt < 3; ++attempt) {
      bool created = false;
      RemoteReply r = command(
          [&](redisContext* c) {
            return redisCommand(c, "SET %b %b NX PX %d", key.data(), key.size(), value.data(), value.size(),
                                std::max(ttl_ms, 1));
          },
          [&](redisReply* reply, RemoteReply&) { created = reply->type == REDIS_REPLY_STATUS; });
      if (!r.ok() || created) {
        return r;
      }
      RemoteReply cur = get(key);
      if (!cur.ok() || cur.body) {
        return cur;
      }
      // Expired or released between SET and GET: try again.
    }
    return {RemoteFailure::None, "", std::string()};
  }

  // Compare-and-set and compare-and-delete as one Lua script each: atomic on the server.
  RemoteReply swap(const std::string& key, std::string_view expected, std::string_view value, int ttl_ms) override {
    static const char kScript[] =
        "local c = redis.call('GET', KEYS[1]) "
        "if c == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return {1, ''} end "
        "return {0, c or ''}";
    std::string ttl = std::to_string(std::max(ttl_ms, 1));
    return command(
        [&](redisContext* c) {
          return redisCommand(c, "EVAL %s 1 %b %b %b %s", kScript, key.data(), key.size(), expected.data(),
                              expected.size(), value.data(), value.size(), ttl.c_str());
        },
        [&](redisReply* reply, RemoteReply& out) { read_conditional(reply, out); });
  }

  RemoteReply remove_if(const std::string& key, std::string_view expected) override {
    static const char kScript[] =
        "local c = redis.call('GET', KEYS[1]) "
        "if c == ARGV[1] then redis.call('DEL', KEYS[1]) return {1, ''} end "
        "return {0, c or ''}";
    return command(
        [&](redisContext* c) {
          return redisCommand(c, "EVAL %s 1 %b %b", kScript, key.data(), key.size(), expected.data(), expected.size());
        },
        [&](redisReply* reply, RemoteReply& out) { read_conditional(reply, out); });
  }

  bool atomic_claims() const override { return true; }

private:
  // The scripts answer {1, ''} when they wrote, {0, current value} when not.
  void read_conditional(redisReply* reply, RemoteReply& out) const {
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 || reply->element[0]->type != REDIS_REPLY_INTEGER) {
      out = {RemoteFailure::Error, fmt::format("{}: EVAL: unexpected reply", m_spec.redacted()), std::nullopt};
      return;
    }
    if (reply->element[0]->integer == 1) {
      return;
    }
    const redisReply* cur = reply->element[1];
    out.body = cur->type == REDIS_REPLY_STRING ? std::string(cur->str, static_cast<size_t>(cur->len)) : std::string();
  }

  RemoteReply failure_of(redisContext* c, const std::string& what) {
    // hiredis 0.14 reports a socket timeout as an I/O error with EAGAIN.
    bool timeout = c && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS);
    std::string detail = c && c->err ? c->errstr : "no reply";
    return {timeout ? RemoteFailure::Timeout : RemoteFailure::Error,
            fmt::format("{}: {}: {}", m_spec.redacted(), what, timeout ? "timed out" : detail), std::nullopt};
  }

  // Connects (once), authenticates and selects the database.
  std::optional<RemoteReply> connect() {
    if (m_context) {
      return std::nullopt;
    }
    timeval tv = to_timeval(m_spec.connect_timeout_ms);
    m_context.reset(redisConnectWithTimeout(m_address.host.c_str(), m_address.port, tv));
    if (!m_context || m_context->err) {
      RemoteReply r = failure_of(m_context.get(), "connect");
      if (errno == ETIMEDOUT || errno == EINPROGRESS) {
        r.failure = RemoteFailure::Timeout;
      }
      m_context.reset();
      return r;
    }
    timeval op = to_timeval(m_spec.operation_timeout_ms);
    redisSetTimeout(m_context.get(), op);
    if (!m_address.password.empty()) {
      ReplyPtr auth(static_cast<redisReply*>(
          m_address.user.empty() ? redisCommand(m_context.get(), "AUTH %s", m_address.password.c_str())
                                 : redisCommand(m_context.get(), "AUTH %s %s", m_address.user.c_str(),
                                                m_address.password.c_str())));
      if (!auth) {
        RemoteReply r = failure_of(m_context.get(), "AUTH");
        m_context.reset();
        return r;
      }
      if (auth->type == REDIS_REPLY_ERROR) {
        m_context.reset();
        return RemoteReply{RemoteFailure::Denied, fmt::format("{}: AUTH refused", m_spec.redacted()), std::nullopt};
      }
    }
    if (m_address.db) {
      ReplyPtr sel(static_cast<redisReply*>(redisCommand(m_context.get(), "SELECT %d", m_address.db)));
      if (!sel || sel->type == REDIS_REPLY_ERROR) {
        RemoteReply r = sel ? RemoteReply{RemoteFailure::Error, fmt::format("{}: SELECT {} refused",
                                                                            m_spec.redacted(), m_address.db),
                                          std::nullopt}
                            : failure_of(m_context.get(), "SELECT");
        m_context.reset();
        return r;
      }
    }
    return std::nullopt;
  }

  template <typename Send, typename Read> RemoteReply command(Send&& send, Read&& read) {
    if (auto failed = connect()) {
      return *failed;
    }
    ReplyPtr reply(static_cast<redisReply*>(send(m_context.get())));
    if (!reply) {
      RemoteReply r = failure_of(m_context.get(), "command");
      m_context.reset(); // the connection is unusable after an I/O error
      return r;
    }
    RemoteReply out;
    if (reply->type == REDIS_REPLY_ERROR) {
      std::string msg(reply->str, static_cast<size_t>(reply->len));
      bool denied = msg.rfind("NOAUTH", 0) == 0 || msg.rfind("NOPERM", 0) == 0 || msg.rfind("READONLY", 0) == 0 ||
                    msg.rfind("WRONGPASS", 0) == 0;
      return {denied ? RemoteFailure::Denied : RemoteFailure::Error,
              fmt::format("{}: {}", m_spec.redacted(), msg.substr(0, 200)), std::nullopt};
    }
    read(reply.get(), out);
    return out;
  }

  RedisAddress m_address;
  std::unique_ptr<redisContext, ContextDeleter> m_context;
};

} // namespace

Expected<std::unique_ptr<RemoteStore>> make_redis_store(const RemoteSpec& spec) {
  auto address = parse_address(spec.url);
  if (!address) {
    return Error{fmt::format("remote store '{}': {}", spec.redacted(), address.error().message)};
  }
  return std::unique_ptr<RemoteStore>(std::make_unique<RedisStore>(spec, std::move(*address)));
}

} // namespace llmcc
