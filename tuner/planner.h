// A planner proposes configurations to try and learns from their results. The
// built-in search, random search and the LLM planner all implement it, and the
// session loop (tuner/session.h) runs any of them the same way.
#pragma once

#include "cache/records.h"
#include "flags/tune_config.h"
#include "tuner/search_space.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct Proposal {
  TuneConfig config;
  std::string op;        // which operator made it: "seed", "mutate", "crossover", "random", "llm", ...
  std::string rationale; // free text (LLM), stored as evidence
};

// What happened to one tried config.
struct TrialOutcome {
  TuneConfig config;
  std::string op;
  Verdict verdict = Verdict::Ok;
  std::string detail;
  // Baseline score / candidate score: > 1 is better, for every objective.
  // Present when the verdict is Ok or Identical.
  std::optional<double> speedup;
  std::optional<double> speedup_low; // confidence interval
  std::optional<double> speedup_high;
  // Hash of the TU's object code, when it compiled: two configs with the same
  // code are the same program, so the options between them do nothing here.
  std::string code;
};

// What a planner knows about the TU it plans for.
struct PlanningContext {
  std::string source_rel;
  std::string language;
  CompilerFamily family = CompilerFamily::Unknown;
  std::string compiler_version;
  std::string hw_class;
  std::string objective; // time, size, instructions
  SearchSpace space;
  TuneConfig baseline;   // the user's own optimisation part (e.g. -O2)
  // Winners of this TU's source from the database (transfer seeds), latest first.
  std::vector<TuneConfig> prior_winners;
  // Winners of similar TUs (code features), nearest first; tuner/transfer.h
  // seed_order places them among the known-good seeds.
  std::vector<TuneConfig> neighbour_winners;
  nlohmann::json features;      // static features of the TU, if known
  nlohmann::json hardware;      // hwdetect summary
  std::string source_excerpt;   // size-bounded, for the LLM
  uint64_t seed = 1;
  size_t budget = 0;            // trials the session will give this TU; 0 = unknown
};

class Planner {
public:
  virtual ~Planner() = default;
  virtual std::string name() const = 0;
  // Called once per TU before any proposal; `history` holds outcomes already
  // known for this TU (a resumed session), in order.
  virtual void start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) = 0;
  // Up to `count` new configs, never one already proposed or observed in this TU.
  virtual std::vector<Proposal> propose(size_t count) = 0;
  virtual void observe(const TrialOutcome& outcome) = 0;
  // One line for the session summary (LLM status, tokens spent); "" for none.
  virtual std::string report() const { return {}; }
  // Whether known-good starting points are still untried (a TU is not given
  // up for "no gain" before they are).
  virtual bool has_pending_seeds() const { return false; }
};

// Makes planners by name: supplied by the CLI so the tuner library does not
// depend on the LLM client.
using PlannerFactory = std::function<std::unique_ptr<Planner>(const std::string& kind, std::string* status)>;

std::unique_ptr<Planner> make_builtin_planner();
std::unique_ptr<Planner> make_random_planner();

} // namespace llmcc
