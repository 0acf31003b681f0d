// libFuzzer target for what arrives from outside: a bundle file or a remote
// store's entry (the same bytes: cache/bundle/format decode), each decoded
// winner through the importer's validation (check_entry: fields, allow-list),
// each trial history row through check_history_entry, and the `remote` setting's parser. Built by clang with
// -fsanitize=fuzzer,address (tests/fuzz/CMakeLists.txt); a crash, a sanitizer
// report or an uncaught exception is a failure.
#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/bundle/trial_history.h"
#include "cache/remote/remote_store.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace llmcc;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const SafetyPolicy policy{};
  for (const std::optional<std::string>& key : {std::optional<std::string>(), std::optional<std::string>("k")}) {
    auto decoded = decode_bundle(bytes, key);
    if (!decoded) {
      continue;
    }
    for (const auto& entry : decoded->bundle.winners) {
      EntryCheck check = check_entry(entry, decoded->bundle, policy, 1'700'000'000);
      if (check.winner && check.reason.empty()) {
        (void)check.winner->config.canonical();
      }
    }
    for (const auto& row : decoded->bundle.history) {
      HistoryCheck check = check_history_entry(row, decoded->bundle, policy, 1'700'000'000);
      if (check.trial) {
        (void)trial_identity(*check.trial);
      }
    }
  }
  // The decoded content itself, since mutations rarely survive zstd: the
  // input as a bundle's JSON (or one winner entry), through the same checks.
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_object()) {
    Bundle bundle;
    CompilerIdentity gcc;
    gcc.id = "6a073c0dc8c25416";
    gcc.family = CompilerFamily::Gcc;
    bundle.compilers.push_back(gcc);
    const auto winners = j.find("winners");
    if (winners != j.end() && winners->is_array()) {
      for (const auto& entry : *winners) {
        (void)check_entry(entry, bundle, policy, 1'700'000'000);
      }
    } else {
      (void)check_entry(j, bundle, policy, 1'700'000'000);
      (void)check_history_entry(j, bundle, policy, 1'700'000'000);
    }
    const auto history = j.find("history");
    if (history != j.end() && history->is_object() && history->contains("trials") && (*history)["trials"].is_array()) {
      for (const auto& row : (*history)["trials"]) {
        HistoryCheck check = check_history_entry(row, bundle, policy, 1'700'000'000);
        if (check.trial) {
          (void)trial_identity(*check.trial);
        }
      }
    }
  }
  (void)parse_remote_setting(bytes);
  return 0;
}
