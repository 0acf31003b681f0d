#include "llm/chat_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "util/log.h"
#include "util/strings.h"

namespace llmcc {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string body;
  size_t cap = 0;
  bool too_large = false;
  std::string retry_after;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * n;
  if (sink->body.size() + bytes > sink->cap) {
    // Returning short makes curl abort with CURLE_WRITE_ERROR: a hostile or broken
    // server cannot make us buffer without bound.
    sink->too_large = true;
    return 0;
  }
  sink->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * n;
  std::string_view line(data, bytes);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && to_lower(line.substr(0, kName.size())) == kName) {
    sink->retry_after = trim(line.substr(kName.size()));
  }
  return bytes;
}

// Transport failures worth another attempt: the server may be starting, restarting
// or briefly overloaded. TLS verification failures and timeouts are not: the first
// will not change, and a retry of the second costs the whole timeout again.
bool retryable_curl_error(CURLcode rc) {
  switch (rc) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_GOT_NOTHING:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_PARTIAL_FILE:
    return true;
  default:
    return false;
  }
}


// The server's own explanation of an HTTP error, if the body carries one.
std::string error_text_of(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string()) {
      return one_line(e["message"].get<std::string>(), 200);
    }
    if (e.is_string()) {
      return one_line(e.get<std::string>(), 200);
    }
  }
  return one_line(body, 200);
}

struct Attempt {
  Expected<ChatReply> result = Error{""};
  bool retry = false;
  double retry_after = -1;
};

} // namespace

std::string scrub_secret(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  return replace_all(std::move(text), secret, "[redacted]");
}

double parse_retry_after(const std::string& value) {
  std::string v = trim(value);
  if (v.empty()) {
    return -1;
  }
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return v.size() > 9 ? 1e9 : std::stod(v);
  }
  time_t when = curl_getdate(v.c_str(), nullptr);
  if (when < 0) {
    return -1;
  }
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

std::string_view to_string(ReplyFormat f) {
  switch (f) {
  case ReplyFormat::JsonSchema:
    return "json_schema";
  case ReplyFormat::JsonObject:
    return "json_object";
  case ReplyFormat::Text:
    return "text";
  }
  return "text";
}

std::optional<ReplyFormat> reply_format_from_string(std::string_view s) {
  for (ReplyFormat f : {ReplyFormat::JsonSchema, ReplyFormat::JsonObject, ReplyFormat::Text}) {
    if (to_string(f) == s) {
      return f;
    }
  }
  return std::nullopt;
}

ChatApi chat_api_of(const std::string& base_url) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url.size() >= 4 && url.compare(url.size() - 4, 4, "/api") == 0 ? ChatApi::Ollama : ChatApi::OpenAi;
}

Expected<ChatReply> parse_ollama_response(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error{"response is not a JSON object"};
  }
  if (j.contains("error")) {
    return Error{"server error: " + error_text_of(body)};
  }
  if (!j.contains("message") || !j["message"].is_object()) {
    return Error{"response has no message"};
  }
  const auto& message = j["message"];
  if (!message.contains("content") || !message["content"].is_string()) {
    return Error{"response message has no text content"};
  }
  ChatReply reply;
  reply.content = message["content"].get<std::string>();
  if (j.contains("done_reason") && j["done_reason"].is_string()) {
    reply.finish_reason = one_line(j["done_reason"].get<std::string>(), 40);
  }
  auto count = [&](const char* key) -> int64_t {
    if (j.contains(key) && j[key].is_number_integer()) {
      return std::max<int64_t>(0, j[key].get<int64_t>());
    }
    return 0;
  };
  reply.prompt_tokens = count("prompt_eval_count");
  reply.completion_tokens = count("eval_count");
  reply.usage_reported = j.contains("prompt_eval_count") || j.contains("eval_count");
  return reply;
}

Expected<ChatReply> parse_chat_response(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error{"response is not a JSON object"};
  }
  if (j.contains("error")) {
    return Error{"server error: " + error_text_of(body)};
  }
  if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) {
    return Error{"response has no choices"};
  }
  const auto& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    return Error{"response choice has no message"};
  }
  const auto& message = choice["message"];
  if (!message.contains("content") || !message["content"].is_string()) {
    return Error{"response message has no text content"};
  }
  ChatReply reply;
  reply.content = message["content"].get<std::string>();
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    reply.finish_reason = one_line(choice["finish_reason"].get<std::string>(), 40);
  }
  if (j.contains("usage") && j["usage"].is_object()) {
    const auto& u = j["usage"];
    auto count = [&](const char* key) -> int64_t {
      if (u.contains(key) && u[key].is_number_integer()) {
        return std::max<int64_t>(0, u[key].get<int64_t>());
      }
      return 0;
    };
    reply.prompt_tokens = count("prompt_tokens");
    reply.completion_tokens = count("completion_tokens");
    reply.usage_reported = u.contains("prompt_tokens") || u.contains("completion_tokens");
  }
  return reply;
}

ChatClient::ChatClient(ChatSettings settings) : m_settings(std::move(settings)) {
  m_format = !m_settings.json_mode               ? ReplyFormat::Text
             : m_settings.reply_schema.is_null() ? ReplyFormat::JsonObject
                                                 : ReplyFormat::JsonSchema;
  m_sleep = [](double s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(s * 1000)));
  };
}

nlohmann::json ChatClient::request_body(const std::vector<ChatMessage>& messages) const {
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : messages) {
    msgs.push_back({{"role", m.role}, {"content", m.content}});
  }
  if (chat_api_of(m_settings.base_url) == ChatApi::Ollama) {
    nlohmann::json body = {{"model", m_settings.model},
                           {"messages", msgs},
                           {"stream", false},
                           {"options",
                            {{"temperature", m_settings.temperature}, {"num_predict", m_settings.max_tokens}}}};
    if (m_format == ReplyFormat::JsonSchema) {
      body["format"] = m_settings.reply_schema;
    } else if (m_format == ReplyFormat::JsonObject) {
      body["format"] = "json";
    }
    return body;
  }
  nlohmann::json body = {{"model", m_settings.model},
                         {"messages", msgs},
                         {"temperature", m_settings.temperature},
                         {"max_tokens", m_settings.max_tokens}};
  if (m_format == ReplyFormat::JsonSchema) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema", {{"name", "llmcc_candidates"}, {"strict", true}, {"schema", m_settings.reply_schema}}}};
  } else if (m_format == ReplyFormat::JsonObject) {
    body["response_format"] = {{"type", "json_object"}};
  }
  return body;
}

void ChatClient::assume_reply_format(ReplyFormat f) {
  // The enum runs from most to least structured.
  m_format = std::max(m_format, f);
}

Expected<ChatReply> ChatClient::complete(const std::vector<ChatMessage>& messages) {
  global_init();
  if (m_settings.base_url.empty()) {
    return Error{"no endpoint URL configured"};
  }
  // Read at request time and held only for this call.
  std::string key;
  if (!m_settings.api_key_env.empty()) {
    if (const char* v = std::getenv(m_settings.api_key_env.c_str())) {
      key = v;
    }
  }
  if (std::any_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return Error{fmt::format("the API key in ${} contains control characters", m_settings.api_key_env)};
  }
  std::string url = m_settings.base_url;
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  url += chat_api_of(m_settings.base_url) == ChatApi::Ollama ? "/chat" : "/chat/completions";
  for (;;) {
    // The prompt is built from project data, never from the environment, but a source
    // excerpt could still quote the key; it must not leave the machine that way.
    std::string body = scrub_secret(request_body(messages).dump(), key);
    long status = 0;
    auto reply = send(url, body, key, &status);
    // A 400 to a structured request is most often the field itself being refused
    // (older llama.cpp, proxies, servers without grammar support): ask plainer.
    if (reply || status != 400 || m_format == ReplyFormat::Text) {
      return reply;
    }
    ReplyFormat next = m_format == ReplyFormat::JsonSchema ? ReplyFormat::JsonObject : ReplyFormat::Text;
    log::warn("the LLM endpoint refused response format {} ({}); asking for {}", to_string(m_format),
              reply.error().message, to_string(next));
    m_format = next;
  }
}

Expected<ChatReply> ChatClient::send(const std::string& url, const std::string& body, const std::string& key,
                                     long* status_out) {
  CurlList headers;
  auto add_header = [&](const std::string& h) {
    curl_slist* next = curl_slist_append(headers.get(), h.c_str());
    if (next) {
      (void)headers.release();
      headers.reset(next);
    }
  };
  add_header("Content-Type: application/json");
  add_header("Accept: application/json");
  add_header("Expect:"); // no 100-continue round trip
  if (!key.empty()) {
    add_header("Authorization: Bearer " + key);
  }

  std::mt19937_64 rng(std::random_device{}());
  std::string last_error;
  int attempts = 0;
  for (int attempt = 0; attempt <= std::max(0, m_settings.max_retries); ++attempt) {
    ++attempts;
    CurlHandle curl(curl_easy_init());
    if (!curl) {
      return Error{"cannot initialise libcurl"};
    }
    Sink sink;
    sink.cap = m_settings.max_reply_bytes;
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_settings.connect_timeout_sec * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_settings.timeout_sec * 1000));
    // A redirect would carry the Authorization header to wherever it points.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_settings.max_reply_bytes));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "llmcc/" LLMCC_VERSION);
    // Proxies come from http_proxy / https_proxy / no_proxy: libcurl's default.

    CURLcode rc = curl_easy_perform(h);
    Attempt a;
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return Error{fmt::format("reply too large (more than {} bytes)", m_settings.max_reply_bytes)};
    }
    if (rc != CURLE_OK) {
      std::string what = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
      what = scrub_secret(one_line(what, 200), key);
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        return Error{fmt::format("timed out after {:g} s ({})", m_settings.timeout_sec, what)};
      }
      a.result = Error{"connection failed: " + what};
      a.retry = retryable_curl_error(rc);
    } else {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      *status_out = status;
      if (status >= 200 && status < 300) {
        auto reply = chat_api_of(m_settings.base_url) == ChatApi::Ollama ? parse_ollama_response(sink.body)
                                                                          : parse_chat_response(sink.body);
        if (!reply) {
          return Error{scrub_secret("invalid response: " + reply.error().message, key)};
        }
        reply->attempts = attempts;
        return reply;
      }
      a.result = Error{scrub_secret(fmt::format("HTTP {}: {}", status, error_text_of(sink.body)), key)};
      a.retry = status == 429 || status >= 500;
      if (status == 429) {
        a.retry_after = parse_retry_after(sink.retry_after);
      }
    }
    last_error = a.result.error().message;
    if (!a.retry || attempt == m_settings.max_retries) {
      break;
    }
    double delay = std::min(m_settings.max_backoff_sec, m_settings.backoff_sec * std::pow(2.0, attempt));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    delay *= jitter(rng);
    if (a.retry_after >= 0) {
      // The server said when; waiting less only earns another 429.
      delay = std::min(m_settings.max_backoff_sec, std::max(delay, a.retry_after));
    }
    log::debug("LLM request failed ({}), retrying in {:.2f} s", last_error, delay);
    m_sleep(delay);
  }
  if (attempts > 1) {
    return Error{fmt::format("{} (after {} attempts)", last_error, attempts)};
  }
  return Error{last_error};
}

} // namespace llmcc
