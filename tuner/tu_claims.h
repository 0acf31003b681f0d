// The tuner's view of host claims (cache/remote/claim_board.h): before tuning
// a TU, a session asks for it; a TU another host is tuning is skipped and its
// budget goes to the next hot TU. The tuner does not link the remote stores:
// `llmcc tune` (cli/cmd_tune.cpp) hands in the implementation, or none.
#pragma once

#include <optional>
#include <string>

namespace llmcc {

class TuClaims {
public:
  virtual ~TuClaims() = default;
  // nullopt: tune it (claimed, or claims are unavailable); else the reason to
  // skip it, e.g. "claimed by host H until T, skipping".
  virtual std::optional<std::string> claim(const std::string& tu_key) = 0;
  // Called at trial boundaries while `tu_key` is tuned. The implementation
  // keeps the claim alive meanwhile, during trials too (cli/tune_claims.cpp);
  // this asks what became of it: nullopt, or a line to print when the claim
  // was lost to another host. The TU is finished either way (each host pushes
  // under its own key, so no winner is lost).
  virtual std::optional<std::string> lost(const std::string& tu_key) = 0;
  // The TU is done (tuned, failed or interrupted).
  virtual void release(const std::string& tu_key) = 0;
};

} // namespace llmcc
