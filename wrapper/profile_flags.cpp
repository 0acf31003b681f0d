#include "wrapper/profile_flags.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "cache/local/store.h"
#include "cache/profile_files.h"
#include "util/fs.h"
#include "util/hash.h"

namespace llmcc {

std::vector<std::string> instrument_compile_flags(CompilerFamily family, const std::string& dir) {
  // Atomic counters: a threaded benchmark must not lose counts.
  if (family == CompilerFamily::Gcc) {
    return {"-fprofile-generate=" + dir, "-fprofile-update=atomic"};
  }
  return {"-fprofile-instr-generate=" + dir + "/llmcc-%p.profraw", "-fprofile-update=atomic"};
}

std::map<std::string, std::string> instrument_run_env(CompilerFamily family, const std::string& dir) {
  if (family == CompilerFamily::Gcc) {
    // libgcov ignores an empty prefix, and strips only with a prefix.
    return {{"GCOV_PREFIX", ""}, {"GCOV_PREFIX_STRIP", "0"}};
  }
  return {{"LLVM_PROFILE_FILE", dir + "/llmcc-%p.profraw"}};
}

std::vector<std::string> instrument_link_flags(CompilerFamily family) {
  if (family == CompilerFamily::Gcc) {
    return {"-fprofile-generate"};
  }
  if (family == CompilerFamily::Clang) {
    return {"-fprofile-instr-generate"};
  }
  return {};
}

namespace {

ProfileUse not_used(ProfileUse::Outcome o, std::string reason) {
  ProfileUse u;
  u.outcome = o;
  u.reason = std::move(reason);
  return u;
}

} // namespace

ProfileUse profile_use_flags(Store& store, const std::string& cache_dir, CompilerFamily family,
                             const std::string& hash, const std::string& output_abs, const std::string& tu_key) {
  auto rec = store.profile(hash);
  if (!rec || !*rec) {
    return not_used(ProfileUse::Outcome::Missing, fmt::format("profile {} is not in the database", hash));
  }
  if (!tu_key.empty() && (*rec)->tu_key != tu_key) {
    return not_used(ProfileUse::Outcome::Stale, "the source changed since the profile was trained");
  }
  const std::string family_text(family_name(family));
  if ((*rec)->family != family_text) {
    return not_used(ProfileUse::Outcome::Missing, fmt::format("profile {} is for {}", hash, (*rec)->family));
  }
  // The name is the content: a file that does not hash to it is not this profile.
  const std::string file = profile_file(cache_dir, hash, family_text);
  auto actual = hash_file_hex(file);
  if (!actual || *actual != hash) {
    return not_used(ProfileUse::Outcome::Missing, fmt::format("{} is missing or altered", file));
  }
  ProfileUse u;
  u.outcome = ProfileUse::Outcome::Applied;
  if (family == CompilerFamily::Clang) {
    u.flags = {"-fprofile-instr-use=" + file};
    return u;
  }
  const std::string dir = profiles_dir(cache_dir) + "/use/" + hash;
  for (const std::string& gcda : {dir + gcda_relative_name(output_abs), dir + gcda_mangled_name(output_abs)}) {
    if (fs::exists(gcda)) {
      continue;
    }
    std::error_code ec;
    std::filesystem::create_directories(fs::dir_name(gcda), ec);
    // A copy, not a link: gcc never writes a .gcda at use time, but a copy
    // keeps the content-addressed file safe whatever happens here.
    std::filesystem::copy_file(file, gcda, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      return not_used(ProfileUse::Outcome::Missing, fmt::format("cannot lay out {}: {}", gcda, ec.message()));
    }
  }
  // Code the training run never reached keeps its normal optimisation, not -Os.
  u.flags = {"-fprofile-use=" + dir, "-fprofile-partial-training"};
  return u;
}

} // namespace llmcc
