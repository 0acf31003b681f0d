// The trained profile a PGO winner names, carried in its bundle entry (and so
// in remote stores, which carry bundles): without the file, the receiver would
// build the winner's flags without the profile the gain was measured with.
// The entry holds the bytes (hex; the bundle is compressed anyway), size-
// limited; the importer checks that they hash to the winner's `pgo` and stores
// them content-addressed in llmcc's state directory (cache/profile_files.h),
// never in the user's tree. A profile steers optimisation only: what it may do
// to the code is what the winner's flags may do.
#pragma once

#include "cache/local/store.h"
#include "cache/records.h"
#include "util/expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace llmcc {

// A .gcda or .profdata of one TU is kilobytes; a bundle entry is never more than this.
inline constexpr size_t kMaxBundleProfileBytes = 4u << 20;

struct BundleProfile {
  std::string hash;     // xxh3-128 of `bytes`: the winner config's `pgo`
  std::string family;   // "gcc" or "clang"
  std::string bench_id; // the training run's identity, kept for provenance
  std::string bytes;
};

// Adds the profile of `w` (when its config uses one) to its bundle entry. False
// when the winner needs a profile this database cannot give (unknown, missing,
// altered or too large): the entry is then left without one.
Expected<bool> add_bundle_profile(Store& store, const WinnerRecord& w, nlohmann::json& entry);

// The profile a bundle entry carries for winner `w`, checked: nullopt with
// `*reason` set when the entry needs one and it is absent or wrong. Pure.
std::optional<BundleProfile> bundle_profile_of(const nlohmann::json& entry, const WinnerRecord& w,
                                               CompilerFamily family, std::string* reason);

// Why the profile this database has for `p`'s hash would not be applied to a
// winner of `tu_key`: "" when it would be (a row for that TU key and family,
// and a file with exactly these bytes). A winner skipped as already here gets
// the bundle's profile when this says why, so a rebuild applies it.
Expected<std::string> local_profile_problem(Store& store, const std::string& cache_dir, const std::string& tu_key,
                                            const BundleProfile& p);

// Writes `p` to <cache_dir>/profiles (content-addressed; an existing file is
// kept) and records it for `tu_key`.
Status store_bundle_profile(Store& store, const std::string& cache_dir, const std::string& tu_key,
                            const BundleProfile& p);

} // namespace llmcc
