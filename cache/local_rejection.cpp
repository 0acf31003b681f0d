#include "cache/local_rejection.h"

#include "util/fs.h"

#include <fmt/format.h>

#include <ctime>

namespace llmcc {

LocalRejection rejection_of(const WinnerRecord& w, std::optional<double> speedup, std::optional<double> low,
                            std::optional<double> high, std::string reason, int64_t session_id, int64_t at) {
  LocalRejection r;
  r.tu_key = w.tu_key;
  r.compiler_id = w.compiler_id;
  r.hw_class = w.hw_class;
  r.objective = w.objective;
  r.config = w.config;
  r.source_rel = w.source_rel;
  r.source_base = fs::base_name(w.source_rel);
  r.speedup = speedup;
  r.speedup_low = low;
  r.speedup_high = high;
  r.reason = std::move(reason);
  r.session_id = session_id;
  r.created = at;
  return r;
}

nlohmann::json LocalRejection::to_json() const {
  auto number = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"source_rel", source_rel}, {"tu_key", tu_key},       {"compiler_id", compiler_id},
          {"hw_class", hw_class},     {"objective", objective}, {"config", config.to_json()},
          {"speedup", number(speedup)}, {"speedup_low", number(speedup_low)}, {"speedup_high", number(speedup_high)},
          {"reason", reason},         {"session", session_id},  {"created", created}};
}

std::string describe_rejection(const LocalRejection& r) {
  std::string when;
  std::time_t t = static_cast<std::time_t>(r.created);
  std::tm tm{};
  char buf[32] = {};
  if (gmtime_r(&t, &tm) && std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm) > 0) {
    when = std::string(", ") + buf;
  }
  return fmt::format("{} on {}: {} (llmcc tune --reconfirm session {}{})", r.config.display(), r.objective, r.reason,
                     r.session_id, when);
}

} // namespace llmcc
