// The LLM as a proposal source inside the tuner's search, never an oracle: it
// suggests configurations, the session measures them like any other, and the
// built-in search keeps exploring beside it. Everything the model says passes
// llm/reply_parser.h (the central allow-list, the session's space, dedup).
//
// Cost and reproducibility: every request is accounted (tokens from "usage") against
// a per-session budget; replies are cached in the database (table llm_cache) keyed by
// the hash of (model, messages), and replay mode answers only from that cache.
//
// Failure: when the endpoint is down, keeps returning garbage, or the budget runs
// out, the LLM planner stops proposing and says why (status()); the hybrid planner
// then continues with the built-in planner alone.
#pragma once

#include "cache/local/store.h"
#include "config/config.h"
#include "llm/chat_client.h"
#include "llm/prompt.h"
#include "tuner/planner.h"
#include "tuner/planner_worth.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace llmcc {

struct LlmSettings {
  std::string url;                         // llm_url: base URL, e.g. http://localhost:11434/v1
  std::string model;                       // llm_model
  std::string api_key_env = "OPENAI_API_KEY"; // llm_api_key_env: the variable's name
  double timeout_sec = 120;                // llm_timeout: per request attempt
  double connect_timeout_sec = 10;         // llm_connect_timeout
  int retries = 2;                         // llm_retries: extra attempts on connection errors, 429, 5xx
  double backoff_sec = 1;                  // first retry delay (doubles, with jitter)
  size_t k = 4;                            // llm_k: candidates asked for per round
  int64_t token_budget = 200000;           // llm_budget / --llm-budget: tokens per session; 0 = no limit
  int request_budget = 40;                 // llm_requests: network requests per session; 0 = no limit
  bool replay = false;                     // llm_replay: answer only from the cache, never the network
  bool json_mode = true;                   // llm_json_mode: send response_format json_object
  double temperature = 0.2;                // llm_temperature
  int max_tokens = 2048;                   // llm_max_tokens: completion tokens per request
  double hybrid_share = 0.5;               // llm_share: at most this fraction of hybrid proposals is the LLM's
  std::string templates_dir;               // "": LLMCC_LLM_TEMPLATES or the embedded templates
  // Told once when the planner stops using the LLM, with the status text. Unset:
  // the status is logged as a warning.
  std::function<void(const std::string&)> on_status;
  // Where every LLM planner of a session adds its cost (planners are made per TU);
  // null: nowhere.
  std::shared_ptr<LlmUsage> session_usage;

  ChatSettings chat() const;
};

// url, model and key variable from config/config.h (llm_url, llm_model,
// llm_api_key_env); the other fields from config keys of the names above when the
// configuration knows them, else from LLMCC_LLM_* environment variables
// (LLMCC_LLM_TIMEOUT, LLMCC_LLM_RETRIES, LLMCC_LLM_K, LLMCC_LLM_BUDGET,
// LLMCC_LLM_REQUESTS, LLMCC_LLM_REPLAY, LLMCC_LLM_JSON_MODE, ...).
LlmSettings llm_settings(const Config& config);

// "hybrid" when an endpoint is configured (or replay is on), else "builtin".
std::string default_planner_kind(const LlmSettings& settings);

// "LLM unavailable (<why>), continuing with the built-in planner"
std::string llm_unavailable_status(const std::string& why);

struct LlmStats {
  int rounds = 0;          // prompts built
  int requests = 0;        // sent over the network
  int cache_hits = 0;
  int failures = 0;        // transport errors and unusable replies
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double wait_sec = 0;     // waiting for the endpoint
  int accepted = 0;
  std::map<std::string, int> rejected; // by category (llm/reply_parser.h)

  int64_t tokens() const { return prompt_tokens + completion_tokens; }
};

class LlmPlanner : public Planner {
public:
  // `store` may be null (no cache, and replay then has nothing to answer from).
  LlmPlanner(LlmSettings settings, Store* store, std::unique_ptr<ChatTransport> transport);

  std::string name() const override { return "llm"; }
  void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) override;
  // At most one request per call; returns nothing once the LLM is unavailable.
  std::vector<Proposal> propose(size_t count) override;
  void observe(const TrialOutcome& outcome) override;

  bool available() const { return m_available; }
  // Empty while the LLM is in use; else the llm_unavailable_status() text.
  const std::string& status() const { return m_status; }
  const LlmStats& stats() const { return m_stats; }
  // A config another source proposed (hybrid): never propose it again.
  void note_proposed(const TuneConfig& config);
  // The last prompt sent or looked up (for tests and --verbose).
  const std::vector<ChatMessage>& last_messages() const { return m_last_messages; }

private:
  void run_round();
  void give_up(const std::string& why);
  std::optional<std::string> cache_lookup(const std::string& hash, int64_t* prompt_tokens, int64_t* completion_tokens);
  void cache_store(const std::string& hash, const std::vector<ChatMessage>& messages, const ChatReply& reply);
  // The reply format the endpoint accepted before, and remembering a new one.
  void recall_reply_format();
  void remember_reply_format();

  LlmSettings m_settings;
  Store* m_store;
  std::unique_ptr<ChatTransport> m_transport;
  PromptTemplates m_templates;
  PlanningContext m_ctx;
  std::vector<TrialOutcome> m_outcomes;
  std::set<std::string> m_tried; // canonical configs observed or proposed
  std::vector<Proposal> m_queue;
  std::vector<RejectedCandidate> m_last_rejected;
  std::vector<ChatMessage> m_last_messages;
  LlmStats m_stats;
  int m_bad_replies_in_row = 0;
  int m_empty_rounds_in_row = 0;
  bool m_available = true;
  std::string m_status;
  std::optional<ReplyFormat> m_known_format;
};

// Interleaves LLM proposals with a built-in planner's: in each call the LLM's come
// first, up to its share, and the built-in planner fills the rest (all of it once
// the LLM is unavailable). Every outcome goes to both.
class HybridPlanner : public Planner {
public:
  HybridPlanner(std::string name, std::unique_ptr<Planner> builtin, std::unique_ptr<LlmPlanner> llm, double llm_share);

  std::string name() const override { return m_name; }
  void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) override;
  std::vector<Proposal> propose(size_t count) override;
  void observe(const TrialOutcome& outcome) override;

  const LlmPlanner& llm() const { return *m_llm; }
  std::string report() const override;
  // The built-in planner's known-good seeds still count in a hybrid session.
  bool has_pending_seeds() const override { return m_builtin->has_pending_seeds(); }

private:
  std::string m_name;
  std::unique_ptr<Planner> m_builtin;
  std::unique_ptr<LlmPlanner> m_llm;
  double m_share;
  std::set<std::string> m_seen;
  size_t m_given = 0;
  size_t m_llm_given = 0;
};

// kind: builtin | random | llm | hybrid ("" = default_planner_kind). llm and hybrid
// fall back to the built-in planner when the LLM is unavailable; without an
// endpoint (and not replaying) they return the built-in planner outright. Unknown
// kinds give null. `status` (optional) receives a one-line description for the CLI.
std::unique_ptr<Planner> make_planner(const std::string& kind, const LlmSettings& settings, Store* store,
                                      std::string* status);
// The same with a given transport (tests, benchmarks, in-process endpoints).
std::unique_ptr<Planner> make_planner(const std::string& kind, const LlmSettings& settings, Store* store,
                                      std::unique_ptr<ChatTransport> transport, std::string* status);

// The LLM status of an llm or hybrid planner ("" while fine, or for other planners).
std::string planner_status(const Planner& planner);
// Token and request accounting of an llm or hybrid planner; null for others.
const LlmStats* planner_llm_stats(const Planner& planner);

} // namespace llmcc
