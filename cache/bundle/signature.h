// HMAC-SHA256 with a team key, for bundles and remote entries. The key comes
// only from the environment (LLMCC_TEAM_KEY) and is never written anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmcc {

inline constexpr size_t kSignatureSize = 32;

// The team key, or none when LLMCC_TEAM_KEY is unset or empty.
std::optional<std::string> team_key_from_env();
// The 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Compares in constant time, so a forger learns nothing from timing.
bool signature_matches(std::string_view key, std::string_view data, std::string_view signature);

} // namespace llmcc
