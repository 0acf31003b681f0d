// What each proposal source was worth in a session: how many of its proposals
// compiled, were correct, beat the baseline, survived confirmation and won, and
// what the LLM cost (tokens, requests, time waiting). Computed from the trials the
// session stored, so `--json`, the summary and `llmcc explain` agree with the
// database (docs/llm.md, "Was the LLM worth it?").
#pragma once

#include "cache/local/store.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

// What the LLM endpoint cost over a session, summed over every LLM planner in it.
struct LlmUsage {
  int requests = 0;   // asked of the network (retries and a refused format are inside one)
  int cache_hits = 0; // answered from the llm_cache table
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double wait_sec = 0; // spent waiting for the endpoint, retries and backoff included

  int64_t tokens() const { return prompt_tokens + completion_tokens; }
  nlohmann::json to_json() const;
  static LlmUsage from_json(const nlohmann::json& j);
};

// One source's proposals, each counted once per TU and config.
struct OriginWorth {
  int proposed = 0;
  int rejected = 0;  // refused by the allow-list when tried (Verdict::Rejected)
  int compiled = 0;  // neither rejected nor a compile error
  int correct = 0;   // Ok or Identical
  int faster = 0;    // Ok with a speedup above 1
  int confirmed = 0; // a confirmation trial of the config came out Ok
  int winners = 0;   // the TU's chosen config

  nlohmann::json to_json() const;
  static OriginWorth from_json(const nlohmann::json& j);
};

struct PlannerWorth {
  OriginWorth llm;     // op "llm"
  OriginWorth builtin; // every other screening op
  std::optional<LlmUsage> usage; // set when an LLM planner ran

  nlohmann::json to_json() const;
  static PlannerWorth from_json(const nlohmann::json& j);
  // Human lines for the summary and `llmcc explain`; none when the LLM took no part.
  std::vector<std::string> describe() const;
};

// A TU's chosen config: its source (relative to the build, as TuResult has it)
// and TuneConfig::display() text.
struct SessionWinner {
  std::string source_rel;
  std::string config;
};

PlannerWorth planner_worth(const std::vector<TrialRow>& trials, const std::vector<SessionWinner>& winners);

} // namespace llmcc
