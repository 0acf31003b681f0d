// Is the candidate's program still right? Its output must match the baseline's
// (when comparison is on) and the user's --verify command must pass.
#pragma once

#include <string>
#include <vector>

namespace llmcc {

struct OutputPolicy {
  bool compare = true;
  // Lines matching this (ECMAScript) regex are ignored in the comparison, e.g.
  // the timing line the score is read from.
  std::string ignore_regex;
};

// Normalises (drops ignored lines, trailing whitespace) and compares.
bool outputs_match(const std::string& baseline, const std::string& candidate, const OutputPolicy& policy);

// A short description of the first difference, for the evidence table.
std::string first_difference(const std::string& baseline, const std::string& candidate,
                             const OutputPolicy& policy);

struct VerifyResult {
  bool ok = false;
  std::string detail; // "exit 1: <last lines of output>", "timed out"
};

// Runs the user's verify command (exec'd, no shell); exit 0 passes.
VerifyResult run_verify(const std::vector<std::string>& argv, const std::string& cwd, double timeout_sec);

} // namespace llmcc
