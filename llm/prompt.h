// The prompt the LLM planner sends: a system message and a user message rendered
// from templates (llm/templates/*.txt, embedded; a user directory named by
// LLMCC_LLM_TEMPLATES overrides them file by file). Everything in it comes from
// the planning context and the evidence; nothing comes from the environment, so
// credentials cannot end up in it.
#pragma once

#include "llm/chat_client.h"
#include "tuner/planner.h"
#include "util/expected.h"

#include <map>
#include <string>
#include <vector>

namespace llmcc {

struct PromptTemplates {
  std::string system;
  std::string propose;
};

// The embedded defaults.
PromptTemplates default_templates();
// Defaults, overridden by <dir>/system.txt and <dir>/propose.txt where they exist
// (dir = LLMCC_LLM_TEMPLATES when `dir` is empty). An unreadable override is an error.
Expected<PromptTemplates> load_templates(const std::string& dir = "");

// A proposal the previous round dropped, and why (fed back so the model can adapt).
struct RejectedCandidate {
  std::string text;   // display form or a bounded excerpt of the raw candidate
  std::string reason; // "not allowed: ...", "outside the search space: ...", "duplicate", ...
};

struct PromptInput {
  const PlanningContext* context = nullptr;
  std::vector<TrialOutcome> outcomes;        // every trial of this TU so far, in order
  std::vector<RejectedCandidate> rejected;   // the previous round's rejected candidates
  std::map<std::string, int> rejected_counts; // all rounds, by reason category
  size_t k = 4;                              // candidates asked for
};

// Bounds that keep a prompt affordable whatever the TU looks like.
constexpr size_t kMaxSourceExcerptChars = 6 * 1024;
constexpr size_t kMaxFeaturesChars = 4 * 1024;
constexpr size_t kMaxEvidenceRows = 60;
constexpr size_t kMaxRejectedShown = 20;

std::vector<ChatMessage> build_messages(const PromptTemplates& templates, const PromptInput& input);

// Building blocks, exposed for tests.
// Replaces {{name}} placeholders in one pass (substituted text is not rescanned, so
// a source excerpt containing "{{evidence}}" stays literal). Unknown names stay.
std::string render_template(const std::string& text, const std::map<std::string, std::string>& vars);
std::string hardware_summary(const nlohmann::json& hw);
std::string describe_space(const SearchSpace& space, CompilerFamily family);
std::string describe_evidence(const std::vector<TrialOutcome>& outcomes);
std::string bounded_excerpt(const std::string& text, size_t max_chars);
// The features slot: the tuner's counts and neighbours as text, anything else as JSON.
std::string describe_features(const nlohmann::json& features);

} // namespace llmcc
