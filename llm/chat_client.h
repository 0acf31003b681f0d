// A client for OpenAI-compatible chat-completions endpoints (OpenAI, Ollama,
// llama.cpp server, vLLM, LM Studio). Everything the endpoint returns is untrusted:
// the client only hands back text and token counts; llm/reply_parser.h judges it.
//
// The API key is read from the environment at request time, sent only as an
// Authorization header, and scrubbed from every error message. It is never stored,
// logged or put into a request body.
#pragma once

#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

struct ChatMessage {
  std::string role; // "system", "user", "assistant"
  std::string content;
};

// What a request asks the reply to be, most structured first. A server that refuses
// one with HTTP 400 is asked for the next (docs/llm.md, "Request shapes").
enum class ReplyFormat { JsonSchema, JsonObject, Text };
std::string_view to_string(ReplyFormat f);
std::optional<ReplyFormat> reply_format_from_string(std::string_view s);

// Which API the base URL speaks: OpenAI's chat completions (OpenAI, vLLM, llama.cpp,
// LM Studio, Ollama's /v1), or Ollama's native /api/chat (a base URL ending in /api).
enum class ChatApi { OpenAi, Ollama };
ChatApi chat_api_of(const std::string& base_url);

struct ChatSettings {
  std::string base_url;                    // ".../v1"; the client POSTs to base_url + "/chat/completions"
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY"; // name of the variable, never the key
  double connect_timeout_sec = 10;
  double timeout_sec = 120;                // whole request, per attempt
  int max_retries = 2;                     // extra attempts after the first
  double backoff_sec = 1;                  // first retry delay; doubles per retry, with jitter
  double max_backoff_sec = 30;             // cap for backoff and for a server's Retry-After
  double temperature = 0.2;
  int max_tokens = 2048;
  // Asks for structured replies (a JSON schema when one is given, else a JSON
  // object); off sends plain text requests only.
  bool json_mode = true;
  nlohmann::json reply_schema;             // the reply's JSON schema; null: none
  size_t max_reply_bytes = 1u << 20;       // larger HTTP bodies fail with "reply too large"
};

struct ChatReply {
  std::string content;           // choices[0].message.content
  std::string finish_reason;
  int64_t prompt_tokens = 0;     // from "usage"; 0 when the server does not say
  int64_t completion_tokens = 0;
  bool usage_reported = false;
  int attempts = 0;
};

// Where replies come from. The HTTP client is one; tests and benchmarks plug in
// scripted ones so the planners can be exercised without a network.
class ChatTransport {
public:
  virtual ~ChatTransport() = default;
  virtual Expected<ChatReply> complete(const std::vector<ChatMessage>& messages) = 0;
  // The request body as it would be sent (for the cache's request_json). Never
  // contains credentials.
  virtual nlohmann::json request_body(const std::vector<ChatMessage>& messages) const = 0;
  // The reply format the next request asks for; none for scripted transports.
  virtual std::optional<ReplyFormat> reply_format() const { return std::nullopt; }
  // Starts from a format this endpoint was seen to accept, so a refusal costs one
  // request per endpoint rather than one per planner. Never asks for more structure
  // than the settings allow.
  virtual void assume_reply_format(ReplyFormat) {}
};

class ChatClient : public ChatTransport {
public:
  explicit ChatClient(ChatSettings settings);

  Expected<ChatReply> complete(const std::vector<ChatMessage>& messages) override;
  nlohmann::json request_body(const std::vector<ChatMessage>& messages) const override;
  const ChatSettings& settings() const { return m_settings; }
  std::optional<ReplyFormat> reply_format() const override { return m_format; }
  void assume_reply_format(ReplyFormat f) override;

  // Replaces the sleep between retries (tests count delays instead of waiting).
  void set_sleeper(std::function<void(double seconds)> sleeper) { m_sleep = std::move(sleeper); }

private:
  // One request with retries; `status` is the last HTTP status (0: none).
  Expected<ChatReply> send(const std::string& url, const std::string& body, const std::string& key, long* status);

  ChatSettings m_settings;
  ReplyFormat m_format;
  std::function<void(double)> m_sleep;
};

// Parses a chat-completions response body (exposed for tests).
Expected<ChatReply> parse_chat_response(const std::string& body);
// Parses an Ollama /api/chat response body (non-streaming).
Expected<ChatReply> parse_ollama_response(const std::string& body);

// Replaces every occurrence of `secret` in `text` (no-op for an empty secret).
std::string scrub_secret(std::string text, const std::string& secret);

// Seconds from a Retry-After header value: delta-seconds or an HTTP date. Negative
// when absent or unparsable.
double parse_retry_after(const std::string& value);

} // namespace llmcc
