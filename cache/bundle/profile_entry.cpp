#include "cache/bundle/profile_entry.h"

#include "cache/profile_files.h"
#include "util/fs.h"
#include "util/hash.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace llmcc {

namespace {

constexpr const char* kField = "profile";

std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]);
    int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

bool plain_hex(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) {
    return false;
  }
  for (char c : s) {
    if (hex_digit(c) < 0) {
      return false;
    }
  }
  return true;
}

} // namespace

Expected<bool> add_bundle_profile(Store& store, const WinnerRecord& w, nlohmann::json& entry) {
  if (!w.config.uses_profile()) {
    return true;
  }
  auto rec = store.profile(w.config.pgo);
  if (!rec) {
    return Error{rec.error()};
  }
  if (!*rec || (*rec)->size < 0 || static_cast<uint64_t>((*rec)->size) > kMaxBundleProfileBytes) {
    return false;
  }
  auto bytes = fs::read_file((*rec)->path);
  if (!bytes || bytes->size() > kMaxBundleProfileBytes || hash_hex(*bytes) != w.config.pgo) {
    return false;
  }
  entry[kField] = {{"hash", w.config.pgo}, {"family", (*rec)->family}, {"bench_id", (*rec)->bench_id},
                   {"bytes", to_hex(*bytes)}};
  return true;
}

std::optional<BundleProfile> bundle_profile_of(const nlohmann::json& entry, const WinnerRecord& w,
                                               CompilerFamily family, std::string* reason) {
  auto no = [&](std::string why) -> std::optional<BundleProfile> {
    *reason = std::move(why);
    return std::nullopt;
  };
  if (!entry.contains(kField)) {
    return no("the winner uses a profile the entry does not carry");
  }
  const auto& j = entry[kField];
  if (!j.is_object() || !j.contains("hash") || !j["hash"].is_string() || !j.contains("family") ||
      !j["family"].is_string() || !j.contains("bytes") || !j["bytes"].is_string()) {
    return no("malformed profile");
  }
  BundleProfile p;
  p.hash = j["hash"].get<std::string>();
  p.family = j["family"].get<std::string>();
  if (j.contains("bench_id") && j["bench_id"].is_string()) {
    p.bench_id = j["bench_id"].get<std::string>();
  }
  if (p.hash != w.config.pgo) {
    return no("the profile is not the one the winner names");
  }
  if (p.family != family_name(family) || (family != CompilerFamily::Gcc && family != CompilerFamily::Clang)) {
    return no(fmt::format("a {} profile for a {} winner", p.family.substr(0, 16), family_name(family)));
  }
  if (!p.bench_id.empty() && !plain_hex(p.bench_id, 64)) {
    return no("malformed training identity");
  }
  const std::string& hex = j["bytes"].get_ref<const std::string&>();
  if (hex.size() > 2 * kMaxBundleProfileBytes) {
    return no(fmt::format("profile larger than {} bytes", kMaxBundleProfileBytes));
  }
  auto bytes = from_hex(hex);
  if (!bytes || bytes->empty()) {
    return no("profile bytes are not hex");
  }
  if (hash_hex(*bytes) != p.hash) {
    return no("profile bytes do not hash to the winner's profile");
  }
  p.bytes = std::move(*bytes);
  return p;
}

Expected<std::string> local_profile_problem(Store& store, const std::string& cache_dir, const std::string& tu_key,
                                            const BundleProfile& p) {
  auto rec = store.profile(p.hash);
  if (!rec) {
    return Error{rec.error()};
  }
  if (!*rec) {
    return std::string("not in the database");
  }
  if ((*rec)->tu_key != tu_key) {
    return std::string("recorded for another TU key");
  }
  if ((*rec)->family != p.family) {
    return fmt::format("recorded as a {} profile", (*rec)->family.substr(0, 16));
  }
  // Where the wrapper reads it (wrapper/profile_flags.cpp), not the row's path.
  auto actual = hash_file_hex(profile_file(cache_dir, p.hash, p.family));
  if (!actual || *actual != p.hash) {
    return std::string("the file is missing or altered");
  }
  return std::string();
}

Status store_bundle_profile(Store& store, const std::string& cache_dir, const std::string& tu_key,
                            const BundleProfile& p) {
  ProfileRecord rec;
  rec.hash = p.hash;
  rec.tu_key = tu_key;
  rec.bench_id = p.bench_id;
  rec.family = p.family;
  rec.path = profile_file(cache_dir, p.hash, p.family);
  rec.size = static_cast<int64_t>(p.bytes.size());
  auto existing = hash_file_hex(rec.path);
  if (!existing || *existing != p.hash) {
    std::error_code ec;
    std::filesystem::create_directories(fs::dir_name(rec.path), ec);
    // Atomic: a compile never reads half a profile.
    if (Status s = fs::write_file_atomic(rec.path, p.bytes); !s) {
      return s;
    }
  }
  return store.put_profile(rec);
}

} // namespace llmcc
