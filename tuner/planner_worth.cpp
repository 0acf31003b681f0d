#include "tuner/planner_worth.h"

#include <fmt/format.h>

#include <map>
#include <utility>

namespace llmcc {

namespace {

// Trial rows name the source as the compile saw it, TuResult relative to the build.
bool same_source(const std::string& trial_source, const std::string& rel) {
  if (trial_source == rel) {
    return true;
  }
  size_t cut = trial_source.size() - rel.size();
  return trial_source.size() > rel.size() && trial_source.compare(cut, rel.size(), rel) == 0 &&
         trial_source[cut - 1] == '/';
}

std::string origin_line(const char* who, const OriginWorth& w) {
  return fmt::format("{} proposals: {} made, {} refused by the allow-list, {} compiled, {} correct, {} faster than "
                     "the baseline, {} confirmed, {} winner(s)",
                     who, w.proposed, w.rejected, w.compiled, w.correct, w.faster, w.confirmed, w.winners);
}

} // namespace

nlohmann::json LlmUsage::to_json() const {
  return {{"requests", requests},
          {"cache_hits", cache_hits},
          {"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"tokens", tokens()},
          {"wait_sec", wait_sec}};
}

LlmUsage LlmUsage::from_json(const nlohmann::json& j) {
  LlmUsage u;
  u.requests = j.value("requests", 0);
  u.cache_hits = j.value("cache_hits", 0);
  u.prompt_tokens = j.value("prompt_tokens", int64_t{0});
  u.completion_tokens = j.value("completion_tokens", int64_t{0});
  u.wait_sec = j.value("wait_sec", 0.0);
  return u;
}

nlohmann::json OriginWorth::to_json() const {
  return {{"proposed", proposed}, {"rejected", rejected},   {"compiled", compiled}, {"correct", correct},
          {"faster", faster},     {"confirmed", confirmed}, {"winners", winners}};
}

OriginWorth OriginWorth::from_json(const nlohmann::json& j) {
  OriginWorth w;
  w.proposed = j.value("proposed", 0);
  w.rejected = j.value("rejected", 0);
  w.compiled = j.value("compiled", 0);
  w.correct = j.value("correct", 0);
  w.faster = j.value("faster", 0);
  w.confirmed = j.value("confirmed", 0);
  w.winners = j.value("winners", 0);
  return w;
}

nlohmann::json PlannerWorth::to_json() const {
  nlohmann::json j = {{"llm", llm.to_json()}, {"builtin", builtin.to_json()}};
  if (usage) {
    j["llm_usage"] = usage->to_json();
  }
  return j;
}

PlannerWorth PlannerWorth::from_json(const nlohmann::json& j) {
  PlannerWorth w;
  if (!j.is_object()) {
    return w;
  }
  if (j.contains("llm") && j["llm"].is_object()) {
    w.llm = OriginWorth::from_json(j["llm"]);
  }
  if (j.contains("builtin") && j["builtin"].is_object()) {
    w.builtin = OriginWorth::from_json(j["builtin"]);
  }
  if (j.contains("llm_usage") && j["llm_usage"].is_object()) {
    w.usage = LlmUsage::from_json(j["llm_usage"]);
  }
  return w;
}

std::vector<std::string> PlannerWorth::describe() const {
  std::vector<std::string> lines;
  if (llm.proposed == 0 && !usage) {
    return lines;
  }
  lines.push_back(origin_line("LLM", llm));
  lines.push_back(origin_line("built-in", builtin));
  if (usage) {
    lines.push_back(fmt::format("LLM cost: {} request(s), {} cached, {} tokens ({} prompt, {} completion), {:.1f} s "
                                "waiting for the endpoint",
                                usage->requests, usage->cache_hits, usage->tokens(), usage->prompt_tokens,
                                usage->completion_tokens, usage->wait_sec));
  }
  return lines;
}

PlannerWorth planner_worth(const std::vector<TrialRow>& trials, const std::vector<SessionWinner>& winners) {
  // (tu, config) -> whether the LLM proposed it; the first screening trial decides.
  using Key = std::pair<std::string, std::string>;
  std::map<Key, bool> from_llm;
  std::map<Key, const TrialRow*> first;
  for (const auto& t : trials) {
    if (t.planner == "confirm") {
      continue;
    }
    Key key{t.tu_key, t.config.canonical()};
    if (first.emplace(key, &t).second) {
      from_llm[key] = t.op == "llm";
    }
  }
  PlannerWorth w;
  auto origin = [&](const Key& key) -> OriginWorth& { return from_llm[key] ? w.llm : w.builtin; };
  for (const auto& [key, t] : first) {
    OriginWorth& o = origin(key);
    ++o.proposed;
    o.rejected += t->verdict == Verdict::Rejected;
    o.compiled += t->verdict != Verdict::Rejected && t->verdict != Verdict::CompileError;
    o.correct += t->verdict == Verdict::Ok || t->verdict == Verdict::Identical;
    o.faster += t->verdict == Verdict::Ok && t->speedup && *t->speedup > 1;
  }
  std::map<Key, bool> confirmed;
  for (const auto& t : trials) {
    Key key{t.tu_key, t.config.canonical()};
    if (t.planner == "confirm" && t.verdict == Verdict::Ok && first.count(key) && !confirmed[key]) {
      confirmed[key] = true;
      ++origin(key).confirmed;
    }
  }
  for (const auto& win : winners) {
    for (const auto& [key, t] : first) {
      if (same_source(t->source, win.source_rel) && t->config.display() == win.config) {
        ++origin(key).winners;
        break;
      }
    }
  }
  return w;
}

} // namespace llmcc
