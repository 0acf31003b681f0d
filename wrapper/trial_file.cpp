#include "wrapper/trial_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "util/fs.h"

namespace llmcc {

std::string trial_file_text(const std::vector<TrialEntry>& entries) {
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json top = nlohmann::json::object();
  for (const auto& e : entries) {
    nlohmann::json item = {{"source", e.source}, {"config", e.config ? e.config->to_json() : nlohmann::json(nullptr)}};
    if (!e.instrument_dir.empty()) {
      item["instrument"] = e.instrument_dir;
      top["instrument_link"] = family_name(e.instrument_family);
    }
    list.push_back(std::move(item));
  }
  top["entries"] = list;
  return top.dump();
}

std::string trial_seen_path(const std::string& trial_file) { return trial_file + ".seen"; }

bool trial_seen(const std::string& seen_text, const std::string& source) {
  return seen_text.find(source + "\n") != std::string::npos;
}

std::optional<std::optional<TuneConfig>> trial_override(const std::string& source_abs, std::string* error) {
  const char* file = std::getenv(kTrialFileEnv);
  if (!file || !*file) {
    return std::nullopt;
  }
  auto text = fs::read_file(file);
  if (!text) {
    *error = text.error().message;
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("entries") || !j["entries"].is_array()) {
    *error = fmt::format("{} is not a valid trial file", file);
    return std::nullopt;
  }
  // Only this source's entry is converted: a bad config meant for another TU
  // must not change how this one compiles.
  for (const auto& e : j["entries"]) {
    if (!e.is_object() || e.value("source", "") != source_abs) {
      continue;
    }
    if (!e.contains("config") || e["config"].is_null()) {
      return std::optional<TuneConfig>();
    }
    auto c = TuneConfig::from_json(e["config"]);
    if (!c) {
      *error = c.error().message;
      return std::nullopt;
    }
    return std::optional<TuneConfig>(*c);
  }
  return std::nullopt;
}

namespace {

std::optional<nlohmann::json> read_trial_json() {
  const char* file = std::getenv(kTrialFileEnv);
  if (!file || !*file) {
    return std::nullopt;
  }
  auto text = fs::read_file(file);
  if (!text) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
    return std::nullopt;
  }
  return j;
}

} // namespace

std::optional<std::string> trial_instrument_dir(const std::string& source_abs) {
  auto j = read_trial_json();
  if (!j) {
    return std::nullopt;
  }
  for (const auto& e : (*j)["entries"]) {
    if (e.is_object() && e.value("source", "") == source_abs && e.contains("instrument") &&
        e["instrument"].is_string() && !e["instrument"].get_ref<const std::string&>().empty()) {
      return e["instrument"].get<std::string>();
    }
  }
  return std::nullopt;
}

CompilerFamily trial_instrument_link() {
  auto j = read_trial_json();
  if (!j || !j->contains("instrument_link") || !(*j)["instrument_link"].is_string()) {
    return CompilerFamily::Unknown;
  }
  return family_from_name((*j)["instrument_link"].get<std::string>());
}

void note_trial_seen(const std::string& source_abs) {
  const char* file = std::getenv(kTrialFileEnv);
  if (!file || !*file) {
    return;
  }
  // O_APPEND keeps concurrent lines whole (make -j runs several wrappers at once).
  int fd = ::open(trial_seen_path(file).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    std::string line = source_abs + "\n";
    ssize_t ignored = ::write(fd, line.data(), line.size());
    (void)ignored;
    ::close(fd);
  }
}

} // namespace llmcc
