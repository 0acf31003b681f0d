// The bundle file: one versioned, zstd-compressed, self-describing document of
// winners with their evidence and provenance (docs/sharing.md). Every byte of a
// bundle may be hostile: decoding checks sizes before it allocates, refuses a
// version it does not know, and (with a team key) a missing or bad signature.
//
// Layout (little-endian):
//   0  "LLMCCBND"          magic
//   8  u32 format version  kBundleFormatVersion
//  12  u32 flags           bit 0: signed
//  16  u64 payload size    bytes of the zstd frame
//  24  u64 content size    bytes of the JSON inside it
//  32  [32-byte HMAC-SHA256 over bytes 0..32 and the payload, when signed]
//      payload             one zstd frame holding the JSON document
#pragma once

#include "cache/records.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

inline constexpr uint32_t kBundleFormatVersion = 1;
// The optional "history" section (cache/bundle/trial_history.h) has its own
// version: readers of format 1 that predate it ignore it, and a reader meets a
// newer history version by leaving the trials out, not by refusing the winners.
inline constexpr int kBundleHistoryVersion = 1;
inline constexpr std::string_view kBundleMagic = "LLMCCBND";
inline constexpr size_t kBundleHeaderSize = 32;
// Far above any real team's winners (a winner is ~1 KB of JSON), far below what
// would hurt a build machine.
inline constexpr uint64_t kMaxBundleFileBytes = 64ull << 20;
inline constexpr uint64_t kMaxBundleContentBytes = 512ull << 20;
inline constexpr size_t kMaxBundleWinners = 2'000'000;
// A bundle's history beyond this is refused whole: a real session runs hundreds.
inline constexpr size_t kMaxBundleHistoryTrials = 1'000'000;

// Where the bundle was made.
struct BundleProvenance {
  std::string host_fp;
  std::string hw_class;
  std::string llmcc_version;
  int64_t created = 0;
};

struct Bundle {
  BundleProvenance provenance;
  // The compilers the winners were tuned with (family decides the allow-list).
  std::vector<CompilerIdentity> compilers;
  // One JSON object per winner: WinnerRecord::to_json() plus "evidence". Kept
  // raw so one malformed entry is rejected alone, by reason, at import.
  std::vector<nlohmann::json> winners;
  // The trial history (export --with-history): 0 when the bundle has none, or
  // one of a version this llmcc does not read (then `history` is empty and
  // `history_note` says why). Rows kept raw, each checked alone at import.
  int history_version = 0;
  std::vector<nlohmann::json> history;
  std::string history_note;
};

enum class SignatureState { Unsigned, Verified, NotChecked };
std::string_view to_string(SignatureState s);

struct DecodedBundle {
  Bundle bundle;
  SignatureState signature = SignatureState::Unsigned;
};

// One winner as it travels: its record and evidence summary.
nlohmann::json winner_entry(const WinnerRecord& w);

// Serialises, compresses and (with a key) signs.
Expected<std::string> encode_bundle(const Bundle& bundle, const std::optional<std::string>& team_key);
// The reverse. With a key, an unsigned or badly signed bundle is refused;
// without one, a signature cannot be checked and says so (NotChecked).
Expected<DecodedBundle> decode_bundle(std::string_view bytes, const std::optional<std::string>& team_key);
// Reads a file (refusing one larger than kMaxBundleFileBytes) and decodes it.
Expected<DecodedBundle> read_bundle_file(const std::string& path, const std::optional<std::string>& team_key);

} // namespace llmcc
