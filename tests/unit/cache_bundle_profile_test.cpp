// PGO winners in bundles (cache/bundle/profile_entry.h): the profile's bytes
// travel in the winner's entry, and the importer refuses, by reason, every
// profile that is not exactly the one the winner names.
#include "cache/bundle/exporter.h"
#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/bundle/profile_entry.h"
#include "cache/local/store.h"
#include "cache/profile_files.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"
#include "util/hash.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

const std::string kBytes("\x01gcda\x00\xff profile", 16);

WinnerRecord pgo_winner(const std::string& hash) {
  WinnerRecord w;
  w.tu_key = std::string(32, 'a');
  w.source_rel = "src/kern.c";
  w.source_base = "kern.c";
  w.compiler_id = std::string(32, 'c');
  w.host_fp = "abc123";
  w.hw_class = "x86_64/GenuineIntel/x86-64-v3";
  w.objective = "time";
  w.config.opt_level = "-O3";
  w.config.pgo = hash;
  w.speedup = 1.2;
  w.speedup_low = 1.1;
  w.speedup_high = 1.3;
  w.baseline = 2.0;
  w.best = 1.6;
  w.trials = 8;
  w.created = 1000;
  return w;
}

// A state directory holding one trained gcc profile, and a winner that uses it.
struct Host {
  TempDir dir;
  std::unique_ptr<Store> store;
  std::string hash = hash_hex(kBytes);
  Host() {
    auto s = Store::open(dir.path() + "/llmcc.db");
    EXPECT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
    ProfileRecord p;
    p.hash = hash;
    p.tu_key = std::string(32, 'a');
    p.bench_id = std::string(32, 'b');
    p.family = "gcc";
    p.path = profile_file(dir.path(), hash, "gcc");
    p.size = static_cast<int64_t>(kBytes.size());
    std::filesystem::create_directories(profiles_dir(dir.path()));
    EXPECT_TRUE(fs::write_file_atomic(p.path, kBytes).ok());
    EXPECT_TRUE(store->put_profile(p).ok());
  }
};

std::string reason_of(const nlohmann::json& entry, const WinnerRecord& w, CompilerFamily f = CompilerFamily::Gcc) {
  std::string why;
  auto p = bundle_profile_of(entry, w, f, &why);
  return p ? "ok" : why;
}

} // namespace

TEST(BundleProfile, TravelsInTheEntryAndChecksOut) {
  Host a;
  WinnerRecord w = pgo_winner(a.hash);
  nlohmann::json entry = winner_entry(w);
  auto added = add_bundle_profile(*a.store, w, entry);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_TRUE(*added);
  std::string why;
  auto p = bundle_profile_of(entry, w, CompilerFamily::Gcc, &why);
  ASSERT_TRUE(p) << why;
  EXPECT_EQ(p->bytes, kBytes);
  EXPECT_EQ(p->family, "gcc");
  EXPECT_EQ(p->bench_id, std::string(32, 'b'));
}

TEST(BundleProfile, WrongOrMissingProfilesAreRefusedByReason) {
  Host a;
  WinnerRecord w = pgo_winner(a.hash);
  nlohmann::json good = winner_entry(w);
  ASSERT_TRUE(*add_bundle_profile(*a.store, w, good));

  nlohmann::json missing = winner_entry(w);
  EXPECT_EQ(reason_of(missing, w), "the winner uses a profile the entry does not carry");
  nlohmann::json altered = good;
  std::string hex = altered["profile"]["bytes"];
  hex[0] = hex[0] == '0' ? '1' : '0';
  altered["profile"]["bytes"] = hex;
  EXPECT_EQ(reason_of(altered, w), "profile bytes do not hash to the winner's profile");
  nlohmann::json odd = good;
  odd["profile"]["bytes"] = "abc";
  EXPECT_EQ(reason_of(odd, w), "profile bytes are not hex");
  nlohmann::json other = good;
  other["profile"]["hash"] = std::string(32, 'f');
  EXPECT_EQ(reason_of(other, w), "the profile is not the one the winner names");
  EXPECT_EQ(reason_of(good, w, CompilerFamily::Clang), "a gcc profile for a clang winner");
  nlohmann::json huge = good;
  huge["profile"]["bytes"] = std::string(2 * kMaxBundleProfileBytes + 2, '0');
  EXPECT_EQ(reason_of(huge, w), "profile larger than 4194304 bytes");
  nlohmann::json bad = good;
  bad["profile"] = "x";
  EXPECT_EQ(reason_of(bad, w), "malformed profile");
}

TEST(BundleProfile, ExportLeavesOutAWinnerWhoseProfileIsGone) {
  Host a;
  ASSERT_TRUE(a.store->put_winner(pgo_winner(a.hash)).ok());
  CompilerIdentity gcc;
  gcc.id = std::string(32, 'c');
  gcc.path = "/usr/bin/gcc";
  gcc.family = CompilerFamily::Gcc;
  gcc.version = "12.2.0";
  ASSERT_TRUE(a.store->put_compiler(gcc).ok());
  auto all = collect_bundle(*a.store, {}, {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000});
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->bundle.winners.size(), 1u);
  EXPECT_TRUE(all->bundle.winners[0].contains("profile"));

  // Imported into another state directory: the file lands there, for the same TU key.
  TempDir b_dir;
  auto b = Store::open(b_dir.path() + "/llmcc.db");
  ASSERT_TRUE(b.ok());
  DecodedBundle decoded{all->bundle, SignatureState::Unsigned};
  MergeOptions o;
  o.cache_dir = b_dir.path();
  auto dry = o;
  dry.dry_run = true;
  auto r = merge_bundle(**b, decoded, dry);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->added, 1);
  EXPECT_FALSE(fs::exists(profile_file(b_dir.path(), a.hash, "gcc"))) << "a dry run writes no profile";
  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->added, 1);
  auto stored = (*b)->profile(a.hash);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->tu_key, std::string(32, 'a'));
  EXPECT_EQ((*stored)->path, profile_file(b_dir.path(), a.hash, "gcc"));
  EXPECT_EQ(fs::read_file((*stored)->path).value_or(""), kBytes);

  // Without a state directory to keep it in, the PGO winner is refused.
  TempDir c_dir;
  auto c = Store::open(c_dir.path() + "/llmcc.db");
  ASSERT_TRUE(c.ok());
  r = merge_bundle(**c, decoded, MergeOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  EXPECT_EQ(r->lines.at(0).reason, "bad profile: no state directory to keep its profile in");

  std::filesystem::remove(profile_file(a.dir.path(), a.hash, "gcc"));
  all = collect_bundle(*a.store, {}, {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->bundle.winners.size(), 0u);
  EXPECT_EQ(all->without_profile, 1);
}

// A winner skipped as already here may have lost its profile (the file deleted
// or altered, the row recorded for another TU key): the bundle's checked bytes
// restore it, counted, so a rebuild applies the profile again.
TEST(BundleProfile, AWinnerAlreadyHereGetsItsProfileBack) {
  Host a;
  ASSERT_TRUE(a.store->put_winner(pgo_winner(a.hash)).ok());
  CompilerIdentity gcc;
  gcc.id = std::string(32, 'c');
  gcc.path = "/usr/bin/gcc";
  gcc.family = CompilerFamily::Gcc;
  gcc.version = "12.2.0";
  ASSERT_TRUE(a.store->put_compiler(gcc).ok());
  auto all = collect_bundle(*a.store, {}, {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000});
  ASSERT_TRUE(all.ok()) << all.error().message;
  DecodedBundle decoded{all->bundle, SignatureState::Unsigned};

  TempDir b_dir;
  auto b = Store::open(b_dir.path() + "/llmcc.db");
  ASSERT_TRUE(b.ok());
  MergeOptions o;
  o.cache_dir = b_dir.path();
  auto r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->added, 1);
  EXPECT_EQ(r->profiles_restored, 0) << "a profile stored with its new winner is not a restore";

  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped, 1);
  EXPECT_EQ(r->profiles_restored, 0);
  EXPECT_EQ(r->lines.at(0).reason, "already here");

  const std::string file = profile_file(b_dir.path(), a.hash, "gcc");
  std::filesystem::remove(file);
  auto dry = o;
  dry.dry_run = true;
  r = merge_bundle(**b, decoded, dry);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->profiles_restored, 1);
  EXPECT_EQ(r->lines.at(0).reason,
            "already here; its profile was to be restored (local one: the file is missing or altered)");
  EXPECT_FALSE(fs::exists(file)) << "a dry run writes no profile";
  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->skipped, 1);
  EXPECT_EQ(r->profiles_restored, 1);
  EXPECT_EQ(r->skipped_by_reason.at("already here"), 1);
  EXPECT_EQ(r->lines.at(0).reason,
            "already here; its profile was restored (local one: the file is missing or altered)");
  EXPECT_EQ(fs::read_file(file).value_or(""), kBytes);
  EXPECT_EQ(r->to_json()["profiles_restored"], 1);

  ASSERT_TRUE(fs::write_file_atomic(file, "altered").ok());
  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->profiles_restored, 1);
  EXPECT_EQ(fs::read_file(file).value_or(""), kBytes);

  auto row = (*b)->profile(a.hash);
  ASSERT_TRUE(row.ok() && *row);
  ProfileRecord stale = **row;
  stale.tu_key = std::string(32, 'e');
  ASSERT_TRUE((*b)->put_profile(stale).ok());
  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->profiles_restored, 1);
  EXPECT_EQ(r->lines.at(0).reason,
            "already here; its profile was restored (local one: recorded for another TU key)");
  row = (*b)->profile(a.hash);
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*row)->tu_key, std::string(32, 'a'));

  r = merge_bundle(**b, decoded, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->profiles_restored, 0);
  EXPECT_EQ(r->lines.at(0).reason, "already here");
}
