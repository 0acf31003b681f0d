#include "llm/chat_client.h"

#include <gtest/gtest.h>

#include "llm_test_support.h"

using namespace llmcc;
using llmcc::testing::FakeLlmServer;
using llmcc::testing::ScopedEnv;

namespace {

const char* kKeyVar = "LLMCC_TEST_FAKE_API_KEY";
const char* kKey = "sk-test-0123456789abcdefSECRET";

ChatSettings settings_for(const FakeLlmServer& server) {
  ChatSettings s;
  s.base_url = server.url();
  s.model = "fake-model";
  s.api_key_env = kKeyVar;
  s.timeout_sec = 20;
  s.connect_timeout_sec = 5;
  s.max_retries = 2;
  s.backoff_sec = 0.01;
  return s;
}

std::vector<ChatMessage> hello() { return {{"system", "be brief"}, {"user", "hello"}}; }

// Records retry delays instead of sleeping.
struct Delays {
  std::vector<double> seen;
  void attach(ChatClient& c) {
    c.set_sleeper([this](double s) { seen.push_back(s); });
  }
};

} // namespace

TEST(ChatClient, GoodReplyCarriesContentUsageAndTheKeyOnlyInTheHeader) {
  ScopedEnv key(kKeyVar, kKey);
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"content", "{\"candidates\":[]}"},
                                                           {"usage", {{"prompt_tokens", 321}, {"completion_tokens", 12}}}}})));
  ChatClient client(settings_for(server));
  auto reply = client.complete(hello());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->content, "{\"candidates\":[]}");
  EXPECT_EQ(reply->prompt_tokens, 321);
  EXPECT_EQ(reply->completion_tokens, 12);
  EXPECT_TRUE(reply->usage_reported);
  EXPECT_EQ(reply->attempts, 1);

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["method"], "POST");
  EXPECT_EQ(reqs[0]["path"], "/v1/chat/completions");
  EXPECT_EQ(reqs[0]["headers"]["Authorization"], std::string("Bearer ") + kKey);
  auto body = nlohmann::json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["model"], "fake-model");
  EXPECT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][1]["content"], "hello");
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_TRUE(body.contains("temperature"));
  EXPECT_TRUE(body.contains("max_tokens"));
  EXPECT_EQ(reqs[0]["body"].get<std::string>().find(kKey), std::string::npos);
}

TEST(ChatClient, JsonModeIsASettingAndNoKeyMeansNoAuthorizationHeader) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, nlohmann::json::array({{{"content", "ok"}}}));
  ChatSettings s = settings_for(server);
  s.json_mode = false;
  s.api_key_env = "LLMCC_TEST_VARIABLE_THAT_IS_NOT_SET";
  ChatClient client(s);
  ASSERT_TRUE(client.complete(hello()).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_FALSE(reqs[0]["headers"].contains("Authorization"));
  auto body = nlohmann::json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_FALSE(body.contains("response_format"));
}

TEST(ChatClient, KeyInThePromptIsRedactedBeforeSending) {
  ScopedEnv key(kKeyVar, kKey);
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, nlohmann::json::array({{{"content", "ok"}}}));
  ChatClient client(settings_for(server));
  ASSERT_TRUE(client.complete({{"user", std::string("source quoting the key ") + kKey}}).ok());
  std::string log = server.raw_log();
  EXPECT_NE(log.find("[redacted]"), std::string::npos);
  // Once in the Authorization header, never in the body.
  auto reqs = server.requests();
  EXPECT_EQ(reqs[0]["body"].get<std::string>().find(kKey), std::string::npos);
}

TEST(ChatClient, ServerErrorsAreRetriedThenReported) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, nlohmann::json::array({{{"status", 500}, {"raw", "{\"error\":{\"message\":\"boom\"}}"}}}));
  ChatClient client(settings_for(server));
  Delays delays;
  delays.attach(client);
  auto reply = client.complete(hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("HTTP 500: boom"), std::string::npos) << reply.error().message;
  EXPECT_NE(reply.error().message.find("after 3 attempts"), std::string::npos) << reply.error().message;
  EXPECT_EQ(server.requests().size(), 3u);
  ASSERT_EQ(delays.seen.size(), 2u);
  // Exponential backoff with jitter in [0.5, 1] of the nominal delay.
  EXPECT_GE(delays.seen[0], 0.005);
  EXPECT_LE(delays.seen[0], 0.01);
  EXPECT_GE(delays.seen[1], 0.01);
  EXPECT_LE(delays.seen[1], 0.02);
}

TEST(ChatClient, TooManyRequestsHonoursRetryAfterThenSucceeds) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"status", 429}, {"raw", "slow down"}, {"headers", {{"Retry-After", "2"}}}},
                                                           {{"content", "fine"}}})));
  ChatClient client(settings_for(server));
  Delays delays;
  delays.attach(client);
  auto reply = client.complete(hello());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->content, "fine");
  EXPECT_EQ(reply->attempts, 2);
  ASSERT_EQ(delays.seen.size(), 1u);
  EXPECT_DOUBLE_EQ(delays.seen[0], 2.0);
}

TEST(ChatClient, OtherClientErrorsAreNotRetried) {
  ScopedEnv key(kKeyVar, kKey);
  FakeLlmServer server;
  // A server that echoes the key back must not get it into our error text.
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"status", 401},
                                                           {"body", {{"error", {{"message", std::string("bad key ") + kKey}}}}}}})));
  ChatClient client(settings_for(server));
  auto reply = client.complete(hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(reply.error().message.find("HTTP 401"), std::string::npos);
  EXPECT_EQ(reply.error().message.find(kKey), std::string::npos) << reply.error().message;
  EXPECT_NE(reply.error().message.find("[redacted]"), std::string::npos);
}

TEST(ChatClient, ConnectionRefusedIsRetriedAndReported) {
  ChatSettings s;
  s.base_url = "http://127.0.0.1:" + std::to_string(llmcc::testing::closed_port()) + "/v1";
  s.max_retries = 1;
  s.backoff_sec = 0.01;
  ChatClient client(s);
  Delays delays;
  delays.attach(client);
  auto reply = client.complete(hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("connection failed"), std::string::npos) << reply.error().message;
  EXPECT_EQ(delays.seen.size(), 1u);
}

TEST(ChatClient, SlowReplyPastTheTimeoutFailsWithoutRetry) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"content", "late"}, {"delay_sec", 5}}})));
  ChatSettings s = settings_for(server);
  s.timeout_sec = 1;
  ChatClient client(s);
  auto reply = client.complete(hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("timed out"), std::string::npos) << reply.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ChatClient, HugeReplyIsCutOff) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"huge_bytes", 3 << 20}}})));
  ChatClient client(settings_for(server));
  auto reply = client.complete(hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find("reply too large"), std::string::npos) << reply.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ChatClient, DroppedConnectionIsRetried) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, (nlohmann::json::array({{{"drop", true}}, {{"content", "second time"}}})));
  ChatClient client(settings_for(server));
  Delays delays;
  delays.attach(client);
  auto reply = client.complete(hello());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->content, "second time");
}

TEST(ChatClient, NonChatResponsesAreErrors) {
  EXPECT_FALSE(parse_chat_response("not json").ok());
  EXPECT_FALSE(parse_chat_response("{}").ok());
  EXPECT_FALSE(parse_chat_response(R"({"choices":[]})").ok());
  EXPECT_FALSE(parse_chat_response(R"({"choices":[{"message":{"content":null}}]})").ok());
  auto ok = parse_chat_response(R"({"choices":[{"message":{"content":"x"}}]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->usage_reported);
}

TEST(ChatClient, RetryAfterParsing) {
  EXPECT_DOUBLE_EQ(parse_retry_after("3"), 3.0);
  EXPECT_DOUBLE_EQ(parse_retry_after(" 0 "), 0.0);
  EXPECT_LT(parse_retry_after(""), 0);
  EXPECT_LT(parse_retry_after("soon"), 0);
  EXPECT_GE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0); // in the past: 0
  EXPECT_EQ(scrub_secret("a KEY b KEY", "KEY"), "a [redacted] b [redacted]");
  EXPECT_EQ(scrub_secret("abc", ""), "abc");
}

namespace {

ChatSettings schema_settings_for(const FakeLlmServer& server) {
  ChatSettings s = settings_for(server);
  s.reply_schema = {{"type", "object"}};
  return s;
}

nlohmann::json body_of(const nlohmann::json& request) {
  return nlohmann::json::parse(request["body"].get<std::string>());
}

} // namespace

TEST(ChatClient, AServerThatAcceptsJsonSchemaReceivesTheSchema) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER_OF_KIND(server, nlohmann::json::array({{{"content", "ok"}}}), "openai");
  ChatClient client(schema_settings_for(server));
  ASSERT_TRUE(client.complete(hello()).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  auto body = body_of(reqs[0]);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], (nlohmann::json{{"type", "object"}}));
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "llmcc_candidates");
  EXPECT_EQ(client.reply_format(), ReplyFormat::JsonSchema);
}

TEST(ChatClient, A400ToJsonSchemaFallsBackToJsonObjectAndStaysThere) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER_OF_KIND(server, nlohmann::json::array({{{"content", "ok"}}}), "no-json-schema");
  ChatClient client(schema_settings_for(server));
  auto first = client.complete(hello());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->content, "ok");
  ASSERT_TRUE(client.complete(hello()).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u); // one refusal, then json_object for both
  EXPECT_EQ(body_of(reqs[0])["response_format"]["type"], "json_schema");
  EXPECT_EQ(body_of(reqs[1])["response_format"]["type"], "json_object");
  EXPECT_EQ(body_of(reqs[2])["response_format"]["type"], "json_object");
  EXPECT_EQ(client.reply_format(), ReplyFormat::JsonObject);
}

TEST(ChatClient, AServerRefusingEveryResponseFormatGetsPlainRequests) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER_OF_KIND(server, nlohmann::json::array({{{"content", "ok"}}}), "text-only");
  ChatClient client(schema_settings_for(server));
  ASSERT_TRUE(client.complete(hello()).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_FALSE(body_of(reqs[2]).contains("response_format"));
  EXPECT_EQ(client.reply_format(), ReplyFormat::Text);
}

TEST(ChatClient, AnAssumedFormatNeverAsksForMoreStructure) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER_OF_KIND(server, nlohmann::json::array({{{"content", "ok"}}}), "no-json-schema");
  ChatClient client(schema_settings_for(server));
  client.assume_reply_format(ReplyFormat::JsonObject);
  client.assume_reply_format(ReplyFormat::JsonSchema);
  ASSERT_TRUE(client.complete(hello()).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(body_of(reqs[0])["response_format"]["type"], "json_object");
}

TEST(ChatClient, AnOllamaUrlSpeaksTheNativeApiWithFormat) {
  FakeLlmServer server;
  nlohmann::json script = nlohmann::json::array(
      {{{"content", "{\"candidates\":[]}"}, {"usage", {{"prompt_tokens", 7}, {"completion_tokens", 3}}}}});
  LLMCC_START_FAKE_SERVER_OF_KIND(server, script, "ollama");
  ChatClient client(schema_settings_for(server));
  auto reply = client.complete(hello());
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->content, "{\"candidates\":[]}");
  EXPECT_EQ(reply->prompt_tokens, 7);
  EXPECT_EQ(reply->completion_tokens, 3);
  EXPECT_EQ(reply->finish_reason, "stop");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/api/chat");
  auto body = body_of(reqs[0]);
  EXPECT_EQ(body["format"], (nlohmann::json{{"type", "object"}}));
  EXPECT_EQ(body["stream"], false);
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_EQ(chat_api_of("http://localhost:11434/api/"), ChatApi::Ollama);
  EXPECT_EQ(chat_api_of("http://localhost:11434/v1"), ChatApi::OpenAi);
}
