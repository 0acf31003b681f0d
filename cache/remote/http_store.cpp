#include "cache/remote/http_store.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace llmcc {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Body {
  std::string data;
  bool too_large = false;
  std::string_view upload;
  size_t sent = 0;
};

size_t on_body(char* p, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  if (b->data.size() + size * n > kMaxRemoteValueBytes) {
    b->too_large = true;
    return 0; // aborts the transfer
  }
  b->data.append(p, size * n);
  return size * n;
}

size_t on_upload(char* p, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  size_t k = std::min(size * n, b->upload.size() - b->sent);
  std::copy_n(b->upload.data() + b->sent, k, p);
  b->sent += k;
  return k;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class HttpStore : public RemoteStore {
public:
  explicit HttpStore(RemoteSpec spec) : RemoteStore(std::move(spec)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_base = m_spec.url;
    while (!m_base.empty() && m_base.back() == '/') {
      m_base.pop_back();
    }
  }

  RemoteReply get(const std::string& key) override { return request("GET", key, nullptr); }
  RemoteReply put(const std::string& key, std::string_view value) override { return request("PUT", key, &value); }
  RemoteReply remove(const std::string& key) override { return request("DELETE", key, nullptr); }

  // The directory's index as nginx serves it with `autoindex on; autoindex_format json;`:
  // [{"name":"...","type":"file",...},...]. A server without an index answers
  // 403 or HTML: an error that says what to configure.
  RemoteReply list(const std::string& prefix) override {
    RemoteReply r = request("GET", prefix, nullptr);
    if (r.failure == RemoteFailure::Denied) {
      // nginx answers 403 for a directory it may not index.
      r.message += " (listing a directory: the server needs autoindex on; autoindex_format json; there, see "
                   "docs/sharing.md)";
    }
    if (!r.ok() || !r.body) {
      return r;
    }
    auto index = nlohmann::json::parse(*r.body, nullptr, false);
    if (index.is_discarded() || !index.is_array()) {
      return {RemoteFailure::Error,
              fmt::format("GET {}: unreadable listing (the server needs autoindex_format json there, see "
                          "docs/sharing.md)",
                          redact_url(m_base + "/" + prefix)),
              std::nullopt};
    }
    RemoteReply out;
    for (const auto& e : index) {
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string() || e.value("type", "") != "file") {
        continue;
      }
      std::string name = e["name"].get<std::string>();
      if (is_plain_key_name(name) && out.keys.size() < kMaxRemoteListKeys) {
        out.keys.push_back(prefix + name);
      }
    }
    std::sort(out.keys.begin(), out.keys.end());
    return out;
  }

private:
  RemoteReply request(const char* method, const std::string& key, const std::string_view* upload) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
      return {RemoteFailure::Error, "cannot initialise libcurl", std::nullopt};
    }
    CURL* h = curl.get();
    const std::string url = m_base + "/" + key;
    Body body;
    char errbuf[CURL_ERROR_SIZE] = {0};
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add_header = [&](const std::string& line) {
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    };
    // Credentials: the URL's userinfo (libcurl sends it as Basic auth), else the environment.
    if (std::string token = env("LLMCC_REMOTE_BEARER_TOKEN"); !token.empty()) {
      add_header("Authorization: Bearer " + token);
    } else if (std::string user = env("LLMCC_REMOTE_USER"); !user.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, env("LLMCC_REMOTE_PASSWORD").c_str());
    }
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (upload) {
      body.upload = *upload;
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, on_upload);
      curl_easy_setopt(h, CURLOPT_READDATA, &body);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload->size()));
      add_header("Content-Type: application/octet-stream");
      add_header("Expect:"); // no 100-continue round trip
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_spec.connect_timeout_ms));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_spec.operation_timeout_ms));
    // A redirect would carry the credentials to wherever it points.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxRemoteValueBytes));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "llmcc/" LLMCC_VERSION);

    const std::string where = fmt::format("{} {}", method, redact_url(url));
    CURLcode rc = curl_easy_perform(h);
    if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return {RemoteFailure::Error, where + ": reply too large", std::nullopt};
    }
    if (rc != CURLE_OK) {
      // libcurl's messages may quote the URL: redact what it says, too.
      std::string what = redact_url(errbuf[0] ? errbuf : curl_easy_strerror(rc));
      RemoteFailure kind = rc == CURLE_OPERATION_TIMEDOUT ? RemoteFailure::Timeout : RemoteFailure::Error;
      return {kind, fmt::format("{}: {}", where, what), std::nullopt};
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      RemoteReply r;
      if (std::string_view(method) == "GET") {
        r.body = std::move(body.data);
      }
      return r;
    }
    if (status == 404 && std::string_view(method) != "PUT") {
      return {}; // a miss (GET) or already gone (DELETE)
    }
    RemoteFailure kind = (status == 401 || status == 403 || status == 405) ? RemoteFailure::Denied
                                                                           : RemoteFailure::Error;
    return {kind, fmt::format("{}: HTTP {}", where, status), std::nullopt};
  }

  std::string m_base;
};

} // namespace

Expected<std::unique_ptr<RemoteStore>> make_http_store(const RemoteSpec& spec) {
  return std::unique_ptr<RemoteStore>(std::make_unique<HttpStore>(spec));
}

} // namespace llmcc
