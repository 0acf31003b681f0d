#include "llm/llm_planner.h"

#include <gtest/gtest.h>

#include "flags/allow_list.h"
#include "hwdetect/host.h"
#include "llm_test_support.h"

using namespace llmcc;
using llmcc::testing::FakeLlmServer;
using llmcc::testing::reply_with;
using llmcc::testing::ScopedEnv;
using llmcc::testing::TempDir;
using nlohmann::json;

namespace {

const char* kKeyVar = "LLMCC_TEST_PLANNER_API_KEY";
const char* kKey = "sk-planner-test-key-9f8e7d6c5b4a";

PlanningContext sample_context() {
  PlanningContext ctx = llmcc::testing::gcc_planning_context();
  ctx.features = {{"loops", 4}, {"calls_in_loops", 0}, {"feature_marker", "fm-42"}};
  ctx.source_excerpt = "static double dot(const double* a, const double* b, int n) { /* excerpt-marker */ }\n";
  ctx.seed = 7;
  return ctx;
}

json candidate(const std::string& opt, const std::vector<std::string>& options, const std::string& why = "why not") {
  return {{"opt", opt}, {"options", options}, {"pipeline", ""}, {"rationale", why}};
}

// A deterministic stand-in for compiling and benchmarking: a hidden speedup per
// config. Some configs "fail" so the evidence has failures too.
TrialOutcome evaluate(const Proposal& p) {
  TrialOutcome o;
  o.config = p.config;
  o.op = p.op;
  const auto& opts = p.config.options;
  auto has = [&](const std::string& s) { return std::find(opts.begin(), opts.end(), s) != opts.end(); };
  if (has("-fno-inline-functions")) {
    o.verdict = Verdict::CompileError;
    o.detail = "error: synthetic failure";
    return o;
  }
  double s = 1.0;
  if (p.config.opt_level == "-O3") {
    s *= 1.08;
  }
  if (has("-funroll-loops")) {
    s *= 1.05;
  }
  if (has("-march=native")) {
    s *= 1.06;
  }
  s *= 1.0 + 0.001 * static_cast<double>(opts.size() % 3);
  o.verdict = Verdict::Ok;
  o.speedup = s;
  o.speedup_low = s * 0.99;
  o.speedup_high = s * 1.01;
  return o;
}

struct SessionResult {
  int trials = 0;
  std::vector<Proposal> proposals;
};

// The session loop as tuner/session.cpp drives it: one proposal at a time.
SessionResult run_session(Planner& planner, const PlanningContext& ctx, int budget) {
  SessionResult r;
  planner.start(ctx, {});
  while (r.trials < budget) {
    auto props = planner.propose(1);
    if (props.empty()) {
      break;
    }
    for (auto& p : props) {
      planner.observe(evaluate(p));
      r.proposals.push_back(p);
      ++r.trials;
    }
  }
  return r;
}

LlmSettings settings_for(const std::string& url) {
  LlmSettings s;
  s.url = url;
  s.model = "fake-model";
  s.api_key_env = kKeyVar;
  s.timeout_sec = 20;
  s.connect_timeout_sec = 5;
  s.retries = 1;
  s.backoff_sec = 0.01;
  s.k = 2;
  return s;
}

struct Quiet {
  std::vector<std::string> statuses;
  void attach(LlmSettings& s) {
    s.on_status = [this](const std::string& text) { statuses.push_back(text); };
  }
};

} // namespace

TEST(LlmPlanner, GoodRepliesBecomeProposalsWithRationale) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, json::array({reply_with({candidate("-O3", {"-funroll-loops"}, "unroll the dot loop"),
                                                           candidate("-O3", {"-march=native"}, "use AVX")})}));
  PlanningContext ctx = sample_context();
  LlmSettings s = settings_for(server.url());
  LlmPlanner planner(s, nullptr, std::make_unique<ChatClient>(s.chat()));
  EXPECT_EQ(planner.name(), "llm");
  planner.start(ctx, {});
  auto props = planner.propose(2);
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(props[0].op, "llm");
  EXPECT_EQ(props[0].config.display(), "-O3 -funroll-loops");
  EXPECT_EQ(props[0].rationale, "unroll the dot loop");
  EXPECT_TRUE(planner.available());
  EXPECT_EQ(planner.stats().requests, 1);
  EXPECT_EQ(planner.stats().tokens(), 150);
  EXPECT_EQ(planner.stats().accepted, 2);
}

TEST(LlmPlanner, PromptCarriesContextAndEarlierRoundsButNeverTheKey) {
  ScopedEnv key(kKeyVar, kKey);
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(
      server, json::array({reply_with({candidate("-O3", {"-funroll-loops"}), candidate("-O3", {"-fno-inline-functions"}),
                                       candidate("-O2", {"-fplugin=/tmp/evil.so"}), candidate("-O2", {"-fmagic-speed"})}),
                           reply_with({candidate("-O3", {"-march=native"})})}));
  PlanningContext ctx = sample_context();
  LlmSettings s = settings_for(server.url());
  LlmPlanner planner(s, nullptr, std::make_unique<ChatClient>(s.chat()));
  planner.start(ctx, {});
  auto first = planner.propose(2);
  ASSERT_EQ(first.size(), 2u);
  for (const auto& p : first) {
    planner.observe(evaluate(p));
  }
  auto second = planner.propose(1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].config.display(), "-O3 -march=native");

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  std::string p1 = server.prompt(0), p2 = server.prompt(1);
  for (const std::string& p : {p1, p2}) {
    EXPECT_NE(p.find("## Hardware"), std::string::npos);
    EXPECT_NE(p.find(ctx.hardware.value("isa_level", std::string("?"))), std::string::npos);
    EXPECT_NE(p.find("-funroll-loops | -fno-unroll-loops"), std::string::npos); // the space
    EXPECT_NE(p.find("--param=max-unroll-times={"), std::string::npos);
    EXPECT_NE(p.find("fm-42"), std::string::npos);                // features
    EXPECT_NE(p.find("excerpt-marker"), std::string::npos);       // source excerpt
    EXPECT_NE(p.find("gcc 12.2.0"), std::string::npos);
  }
  EXPECT_NE(p1.find("(no trials yet)"), std::string::npos);
  // The second prompt shows the first round's evidence and rejections.
  EXPECT_NE(p2.find("| -O3 -funroll-loops | llm | ok | 1.135 [1.124, 1.146] |"), std::string::npos) << p2;
  EXPECT_NE(p2.find("compile_error"), std::string::npos);
  EXPECT_NE(p2.find("error: synthetic failure"), std::string::npos);
  EXPECT_NE(p2.find("-O2 -fplugin=/tmp/evil.so: not allowed"), std::string::npos) << p2;
  EXPECT_NE(p2.find("-O2 -fmagic-speed: not allowed"), std::string::npos);
  EXPECT_NE(p2.find("Rejected in this session so far: not allowed 2"), std::string::npos);

  for (const auto& r : reqs) {
    EXPECT_EQ(r["headers"]["Authorization"], std::string("Bearer ") + kKey);
    EXPECT_EQ(r["body"].get<std::string>().find(kKey), std::string::npos);
  }
}

TEST(LlmPlanner, BudgetsStopTheLlmAndSayWhy) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, json::array({reply_with({candidate("-O3", {}), candidate("-O1", {})}),
                                               reply_with({candidate("-Os", {})})}));
  PlanningContext ctx = sample_context();
  {
    LlmSettings s = settings_for(server.url());
    s.token_budget = 200; // smaller than any prompt
    Quiet q;
    q.attach(s);
    LlmPlanner planner(s, nullptr, std::make_unique<ChatClient>(s.chat()));
    planner.start(ctx, {});
    EXPECT_TRUE(planner.propose(1).empty());
    EXPECT_FALSE(planner.available());
    EXPECT_EQ(planner.stats().requests, 0);
    EXPECT_NE(planner.status().find("token budget exhausted"), std::string::npos) << planner.status();
    ASSERT_EQ(q.statuses.size(), 1u);
    EXPECT_EQ(q.statuses[0], planner.status());
  }
  {
    LlmSettings s = settings_for(server.url());
    s.request_budget = 1;
    Quiet q;
    q.attach(s);
    LlmPlanner planner(s, nullptr, std::make_unique<ChatClient>(s.chat()));
    planner.start(ctx, {});
    EXPECT_EQ(planner.propose(2).size(), 2u);
    EXPECT_TRUE(planner.propose(1).empty());
    EXPECT_EQ(planner.status(),
              "LLM unavailable (request budget exhausted: 1 requests), continuing with the built-in planner");
  }
}

// Each way the endpoint can fail ends with the LLM set aside, a status saying so,
// and a session that still runs its whole budget on the built-in planner.
struct FailureCase {
  const char* name;
  json script;
  const char* status_part;
  double timeout_sec = 20;
};

class LlmFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(LlmFailure, HybridSessionCompletesItsBudget) {
  const FailureCase& fc = GetParam();
  FakeLlmServer server;
  std::string url;
  if (fc.script.is_null()) {
    url = "http://127.0.0.1:" + std::to_string(llmcc::testing::closed_port()) + "/v1";
  } else {
    LLMCC_START_FAKE_SERVER(server, fc.script);
    url = server.url();
  }
  LlmSettings s = settings_for(url);
  s.timeout_sec = fc.timeout_sec;
  Quiet q;
  q.attach(s);
  std::string status;
  auto planner = make_planner("hybrid", s, nullptr, &status);
  ASSERT_TRUE(planner);
  EXPECT_EQ(planner->name(), "hybrid");
  PlanningContext ctx = sample_context();
  auto result = run_session(*planner, ctx, 20);
  EXPECT_EQ(result.trials, 20);
  std::string why = planner_status(*planner);
  EXPECT_EQ(why.rfind("LLM unavailable (", 0), 0u) << why;
  EXPECT_NE(why.find(fc.status_part), std::string::npos) << why;
  EXPECT_NE(why.find("continuing with the built-in planner"), std::string::npos);
  EXPECT_EQ(q.statuses.size(), 1u);
  std::set<std::string> seen;
  for (const auto& p : result.proposals) {
    EXPECT_NE(p.op, "llm") << p.config.display();
    EXPECT_TRUE(check_config(p.config, CompilerFamily::Gcc).empty()) << p.config.display();
    EXPECT_TRUE(seen.insert(p.config.canonical()).second) << "proposed twice: " << p.config.display();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Endpoint, LlmFailure,
    ::testing::Values(
        FailureCase{"invalid_json", json::array({{{"content", "I think you should use -O3!"}}}), "not valid JSON"},
        FailureCase{"wrong_shape", json::array({{{"content", "{\"configs\":[]}"}}}), "wrong shape"},
        FailureCase{"hostile_flags",
                    json::array({reply_with({candidate("-O2", {"-fplugin=/tmp/evil.so"}), candidate("-O2", {"-B/tmp"}),
                                             candidate("-O2", {"@/tmp/rsp"}), candidate("-O2", {"-mllvm -load=/tmp/p.so"})})}),
                    "no usable proposals"},
        FailureCase{"hallucinated_flags",
                    json::array({reply_with({candidate("-O3", {"-fmake-it-fast"}), candidate("-O7", {})})}),
                    "no usable proposals"},
        FailureCase{"server_errors", json::array({{{"status", 500}, {"raw", "oops"}}}), "HTTP 500"},
        FailureCase{"rate_limited", json::array({{{"status", 429}, {"raw", "later"}, {"headers", {{"Retry-After", "0"}}}}}),
                    "HTTP 429"},
        FailureCase{"unauthorized", json::array({{{"status", 401}, {"raw", "{\"error\":{\"message\":\"no key\"}}"}}}),
                    "HTTP 401: no key"},
        FailureCase{"huge_reply", json::array({{{"huge_bytes", 2 << 20}}}), "reply too large"},
        FailureCase{"slow_reply", json::array({{{"content", "{}"}, {"delay_sec", 4}}}), "timed out", 1},
        FailureCase{"connection_refused", json(), "connection failed"}),
    [](const ::testing::TestParamInfo<FailureCase>& info) { return std::string(info.param.name); });

TEST(HybridPlanner, InterleavesLlmAndBuiltinProposals) {
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER(server, json::array({reply_with({candidate("-O3", {"-funroll-loops"}), candidate("-O3", {"-march=native"})}),
                                               reply_with({candidate("-O3", {"-ftree-loop-distribution"}, "split the loop")}),
                                               reply_with({candidate("-O3", {"-fpeel-loops"})})}));
  LlmSettings s = settings_for(server.url());
  std::string status;
  auto planner = make_planner("hybrid", s, nullptr, &status);
  ASSERT_TRUE(planner);
  EXPECT_NE(status.find("planner: hybrid (model fake-model at " + server.url()), std::string::npos) << status;
  auto result = run_session(*planner, sample_context(), 12);
  EXPECT_EQ(result.trials, 12);
  int llm = 0;
  std::string order;
  for (const auto& p : result.proposals) {
    llm += p.op == "llm" ? 1 : 0;
    order += p.op + ": " + p.config.display() + "\n";
  }
  SCOPED_TRACE(order);
  // One at a time, the LLM gets every other slot while it has proposals.
  EXPECT_EQ(result.proposals[0].op, "llm");
  EXPECT_NE(result.proposals[1].op, "llm");
  EXPECT_EQ(result.proposals[2].op, "llm");
  EXPECT_EQ(llm, 4);
  EXPECT_EQ(planner_status(*planner).substr(0, 16), "LLM unavailable "); // the script repeats: duplicates only
  ASSERT_NE(planner_llm_stats(*planner), nullptr);
  EXPECT_EQ(planner_llm_stats(*planner)->accepted, 4);
}

TEST(LlmPlanner, CachedRepliesReplayIdenticallyWithTheServerGone) {
  ScopedEnv key(kKeyVar, kKey);
  TempDir dir;
  auto store = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  PlanningContext ctx = sample_context();
  std::vector<Proposal> live;
  {
    FakeLlmServer server;
    LLMCC_START_FAKE_SERVER(server, json::array({reply_with({candidate("-O3", {"-funroll-loops"}, "a"), candidate("-O1", {}, "b")}),
                                                 reply_with({candidate("-O3", {"-march=native"}, "c"), candidate("-Os", {}, "d")}),
                                                 reply_with({candidate("-O3", {"-fpeel-loops"}, "e"), candidate("-O2", {"-fpeel-loops"}, "f")})}));
    LlmSettings s = settings_for(server.url());
    auto planner = make_planner("llm", s, store->get(), nullptr);
    live = run_session(*planner, ctx, 6).proposals;
    EXPECT_EQ(planner_llm_stats(*planner)->requests, 3);
    EXPECT_EQ(planner_llm_stats(*planner)->cache_hits, 0);
    server.stop();
  }
  ASSERT_EQ(live.size(), 6u);
  for (const auto& p : live) {
    EXPECT_EQ(p.op, "llm");
  }
  {
    auto cached = (*store)->llm_replies();
    ASSERT_TRUE(cached.ok()) << cached.error().message;
    EXPECT_GE(cached->size(), 3u);
    for (const auto& r : *cached) {
      EXPECT_EQ(r.request_json.find(kKey), std::string::npos);
    }
  }
  LlmSettings s = settings_for("http://127.0.0.1:" + std::to_string(llmcc::testing::closed_port()) + "/v1");
  s.replay = true;
  auto planner = make_planner("llm", s, store->get(), nullptr);
  auto replayed = run_session(*planner, ctx, 6).proposals;
  ASSERT_EQ(replayed.size(), live.size());
  for (size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(replayed[i].config, live[i].config) << i;
    EXPECT_EQ(replayed[i].op, live[i].op) << i;
    EXPECT_EQ(replayed[i].rationale, live[i].rationale) << i;
  }
  EXPECT_EQ(planner_llm_stats(*planner)->requests, 0);
  EXPECT_EQ(planner_llm_stats(*planner)->cache_hits, 3);
}

TEST(LlmPlanner, ReplayWithoutACachedReplyFallsBack) {
  TempDir dir;
  auto store = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(store.ok());
  LlmSettings s;
  s.replay = true;
  Quiet q;
  q.attach(s);
  std::string status;
  auto planner = make_planner("hybrid", s, store->get(), &status);
  ASSERT_TRUE(planner);
  EXPECT_NE(status.find("replaying cached replies"), std::string::npos) << status;
  EXPECT_EQ(run_session(*planner, sample_context(), 5).trials, 5);
  EXPECT_EQ(planner_status(*planner),
            "LLM unavailable (replay: no cached reply for this prompt), continuing with the built-in planner");
}

TEST(MakePlanner, KindsAndDefaults) {
  LlmSettings none;
  EXPECT_EQ(default_planner_kind(none), "builtin");
  LlmSettings with_url;
  with_url.url = "http://127.0.0.1:9/v1";
  EXPECT_EQ(default_planner_kind(with_url), "hybrid");

  std::string status;
  auto b = make_planner("builtin", none, nullptr, &status);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name(), "builtin");
  auto r = make_planner("random", none, nullptr, &status);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name(), "random");
  auto d = make_planner("", none, nullptr, &status);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name(), "builtin");
  auto h = make_planner("hybrid", none, nullptr, &status);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->name(), "builtin");
  EXPECT_EQ(status, "LLM unavailable (no llm_url configured), continuing with the built-in planner");
  auto l = make_planner("llm", with_url, nullptr, &status);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->name(), "llm");
  EXPECT_FALSE(make_planner("oracle", none, nullptr, &status));
  EXPECT_NE(status.find("unknown planner 'oracle'"), std::string::npos);
}

TEST(LlmSettings, ReadFromConfigurationAndEnvironment) {
  TempDir dir;
  ScopedEnv url("LLMCC_LLM_URL", "http://localhost:11434/v1");
  ScopedEnv model("LLMCC_LLM_MODEL", "qwen2.5-coder");
  ScopedEnv keyenv("LLMCC_LLM_API_KEY_ENV", "MY_KEY_VAR");
  ScopedEnv k("LLMCC_LLM_K", "3");
  ScopedEnv budget("LLMCC_LLM_BUDGET", "5000");
  ScopedEnv replay("LLMCC_LLM_REPLAY", "yes");
  ScopedEnv timeout("LLMCC_LLM_TIMEOUT", "12.5");
  ScopedEnv json_mode("LLMCC_LLM_JSON_MODE", "off");
  Config config = Config::load(dir.path());
  LlmSettings s = llm_settings(config);
  EXPECT_EQ(s.url, "http://localhost:11434/v1");
  EXPECT_EQ(s.model, "qwen2.5-coder");
  EXPECT_EQ(s.api_key_env, "MY_KEY_VAR");
  EXPECT_EQ(s.k, 3u);
  EXPECT_EQ(s.token_budget, 5000);
  EXPECT_TRUE(s.replay);
  EXPECT_DOUBLE_EQ(s.timeout_sec, 12.5);
  EXPECT_FALSE(s.json_mode);
  EXPECT_EQ(s.chat().base_url, s.url);
  EXPECT_EQ(s.chat().api_key_env, "MY_KEY_VAR");
}

TEST(LlmPlanner, TheRefusedFormatIsRememberedPerEndpointAcrossPlanners) {
  ScopedEnv key(kKeyVar, kKey);
  TempDir dir;
  auto store = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(store.ok()) << store.error().message;
  FakeLlmServer server;
  LLMCC_START_FAKE_SERVER_OF_KIND(server,
                                  json::array({reply_with({candidate("-O3", {"-funroll-loops"}, "a")}),
                                               reply_with({candidate("-O1", {}, "b")})}),
                                  "no-json-schema");
  LlmSettings s = settings_for(server.url());
  s.session_usage = std::make_shared<LlmUsage>();
  PlanningContext ctx = sample_context();
  for (int tu = 0; tu < 2; ++tu) { // planners are made per TU
    auto planner = make_planner("llm", s, store->get(), nullptr);
    ASSERT_EQ(planner_status(*planner), "");
    ctx.source_rel = "src/tu" + std::to_string(tu) + ".c"; // another prompt: not answered from the cache
    planner->start(ctx, {});
    EXPECT_EQ(planner->propose(1).size(), 1u) << tu;
  }
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u); // one refusal in all, not one per planner
  auto type_of = [&](size_t i) {
    return json::parse(reqs[i]["body"].get<std::string>())["response_format"]["type"].get<std::string>();
  };
  EXPECT_EQ(type_of(0), "json_schema");
  EXPECT_EQ(type_of(1), "json_object");
  EXPECT_EQ(type_of(2), "json_object");
  auto stored = (*store)->llm_endpoint_format(server.url());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->value_or(""), "json_object");
  EXPECT_EQ(s.session_usage->requests, 2);
  EXPECT_EQ(s.session_usage->cache_hits, 0);
  EXPECT_EQ(s.session_usage->tokens(), 300); // the fake server's default usage, twice
  EXPECT_GE(s.session_usage->wait_sec, 0.0);
}
