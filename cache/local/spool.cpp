#include "cache/local/spool.h"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "util/fs.h"
#include "util/log.h"

namespace llmcc {

Status spool_record(const std::string& spool_dir, const std::optional<CapturedCommand>& command,
                    const std::map<std::string, int64_t>& counters) {
  if (Status s = fs::make_dirs(spool_dir); !s) {
    return s;
  }
  nlohmann::json j = {{"counters", counters}};
  if (command) {
    j["command"] = command->to_json();
  }
  auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
  std::random_device rd;
  std::string path = fmt::format("{}/{}-{}-{:x}.json", spool_dir, ns, ::getpid(), rd());
  return fs::write_file_atomic(path, j.dump());
}

SpoolIngest ingest_spool(Store& store, const std::string& spool_dir) {
  SpoolIngest result;
  std::error_code ec;
  if (!std::filesystem::is_directory(spool_dir, ec)) {
    return result;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(spool_dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" &&
        entry.path().filename().string().find(".tmp.") == std::string::npos) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = fs::read_file(f.string());
    if (!text) {
      continue;
    }
    std::optional<CapturedCommand> command;
    std::map<std::string, int64_t> counters;
    bool ok = true;
    try {
      auto j = nlohmann::json::parse(*text);
      counters = j.value("counters", std::map<std::string, int64_t>{});
      if (j.contains("command")) {
        auto c = CapturedCommand::from_json(j["command"]);
        ok = c.ok();
        if (ok) {
          command = *c;
        }
      }
    } catch (const std::exception&) {
      ok = false;
    }
    if (!ok) {
      std::string bad = spool_dir + "/bad";
      (void)fs::make_dirs(bad);
      std::filesystem::rename(f, bad + "/" + f.filename().string(), ec);
      ++result.malformed;
      continue;
    }
    if (Status s = store.record(command, counters); !s) {
      log::warn("could not ingest spooled record {}: {}", f.string(), s.message());
      break; // still busy: try again next time, keep the file
    }
    std::filesystem::remove(f, ec);
    ++result.ingested;
  }
  return result;
}

} // namespace llmcc
