// Strict parsing of an LLM reply into proposals. The reply is hostile input: the
// whole text must be one JSON object (or one ```json fenced block holding it) of
// the documented shape; each candidate then goes through the central allow-list
// (flags/allow_list.h), must lie inside the session's search space, and must not
// repeat a tried config. Dropped candidates are kept with a reason so the next
// prompt can tell the model what went wrong.
#pragma once

#include "flags/allow_list.h"
#include "llm/prompt.h"
#include "tuner/planner.h"
#include "util/expected.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace llmcc {

// Reason categories for dropped candidates (keys of ParsedReply::rejected_counts).
inline constexpr const char* kRejectMalformed = "malformed";
inline constexpr const char* kRejectNotAllowed = "not allowed";
inline constexpr const char* kRejectOutsideSpace = "outside the search space";
inline constexpr const char* kRejectDuplicate = "duplicate";
inline constexpr const char* kRejectEmpty = "empty";
inline constexpr const char* kRejectSurplus = "surplus";

struct ReplyRules {
  CompilerFamily family = CompilerFamily::Unknown;
  SafetyPolicy policy;
  // Every option (and -O level) must be one of the space's values; an empty space
  // leaves the option table (via the allow-list) as the only bound.
  const SearchSpace* space = nullptr;
  // Canonical texts (TuneConfig::canonical) of configs already tried or proposed.
  const std::set<std::string>* tried = nullptr;
  size_t max_accepted = 8;        // further valid candidates are dropped as surplus
  size_t max_reply_chars = 256 * 1024;
  size_t max_candidates = 64;     // more is a malformed reply, not a long one
  size_t max_rationale_chars = 400;
};

struct ParsedReply {
  std::vector<Proposal> accepted; // op "llm", rationale sanitised
  std::vector<RejectedCandidate> rejected;
  std::map<std::string, int> rejected_counts; // by category
};

// Errors: "reply too large", "reply is not valid JSON", "reply has the wrong
// shape: ...". Per-candidate problems are rejections, not errors.
Expected<ParsedReply> parse_reply(const std::string& text, const ReplyRules& rules);

// The documented reply shape as a JSON schema, for servers that constrain their
// output to one. Every key is required (OpenAI's strict mode asks for that; "" and
// [] say "none"); parse_reply stays the judge of what comes back.
nlohmann::json reply_schema();

// The JSON value of a reply: the whole text, or the body of a single ```json
// (or bare ```) fenced block that is the whole text apart from whitespace.
Expected<nlohmann::json> extract_reply_json(const std::string& text);

// Control characters removed, whitespace collapsed, cut to max_chars: rationales
// end up on terminals and in the database.
std::string sanitize_text(const std::string& text, size_t max_chars);

} // namespace llmcc
