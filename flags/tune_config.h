// A tuning configuration: the optimisation part of a compile command that llmcc
// may choose for one TU. It is data that can come from untrusted places (a bundle,
// a remote store, an LLM), so it is only ever applied after flags/allow_list.h.
#pragma once

#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace llmcc {

inline constexpr const char* kPgoRequest = "use";

// Whether `pgo` is a profile's content hash (xxh3-128, lower-case hex).
bool is_profile_hash(const std::string& pgo);

struct TuneConfig {
  // "-O1", "-O2", "-O3", "-Os", "-Oz" (clang), "-Ofast" (unsafe); "" keeps the user's level.
  std::string opt_level;
  // One option per element, spelled as on the command line. An -mllvm knob is one
  // element with a single space: "-mllvm -unroll-threshold=300". gcc params use
  // the one-token form "--param=max-unroll-times=8".
  std::vector<std::string> options;
  // clang only: a new-PM pipeline for `opt -passes=...` (the pass-pipeline route).
  std::string pipeline;
  // Profile use: "" none; kPgoRequest ("use"), a planner's request that the tuner
  // resolves to a profile it trained; or that profile's content hash (32 hex
  // digits), which names a file in llmcc's own state directory. The profile
  // flags themselves are never part of `options`: only the wrapper adds them.
  std::string pgo;

  bool empty() const { return opt_level.empty() && options.empty() && pipeline.empty() && pgo.empty(); }
  bool uses_profile() const { return !pgo.empty(); }
  // The argv tokens to add to a compile: opt level first, -mllvm pairs split in two.
  std::vector<std::string> argv_tokens() const;
  // Stable text with options sorted and deduplicated: equal configs, equal text.
  std::string canonical() const;
  // Short human form, e.g. "-O3 -funroll-loops -march=native"; a pipeline shows as
  // "passes=<pipeline>", profile use as "pgo=use" and an empty config as "(default)".
  std::string display() const;
  nlohmann::json to_json() const;
  // Strict: unknown keys or wrong types are errors (input may be hostile).
  static Expected<TuneConfig> from_json(const nlohmann::json& j);
  static Expected<TuneConfig> parse(const std::string& json_text);
  bool operator==(const TuneConfig& o) const { return canonical() == o.canonical(); }
};

} // namespace llmcc
