// Profile-guided tuning: the config's profile field, the allow-list, where
// profiles live, the profile-use planner and the compile path's profile flags.
#include "cache/local/store.h"
#include "cache/profile_files.h"
#include "flags/allow_list.h"
#include "flags/tune_config.h"
#include "tests/support/temp_dir.h"
#include "tuner/pgo_schedule.h"
#include "tuner/screening.h"
#include "util/fs.h"
#include "util/hash.h"
#include "wrapper/profile_flags.h"

#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

const std::string kHash = "0123456789abcdef0123456789abcdef";

TEST(PgoConfig, ProfileRoundTripsAndOldConfigsKeepTheirText) {
  TuneConfig plain;
  plain.opt_level = "-O3";
  EXPECT_EQ(plain.canonical(), R"({"opt":"-O3","options":[],"pipeline":""})");
  TuneConfig c = plain;
  c.pgo = kHash;
  EXPECT_EQ(c.canonical(), R"({"opt":"-O3","options":[],"pgo":")" + kHash + R"(","pipeline":""})");
  EXPECT_EQ(c.display(), "-O3 pgo=use");
  auto back = TuneConfig::from_json(c.to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->pgo, kHash);
  EXPECT_FALSE(plain == c);
}

TEST(PgoConfig, OnlyUseOrAHashIsAccepted) {
  EXPECT_TRUE(TuneConfig::parse(R"({"pgo":"use"})").ok());
  for (const char* bad : {R"({"pgo":"/etc/passwd"})", R"({"pgo":"-fprofile-use=/tmp/x"})",
                          R"({"pgo":"0123456789ABCDEF0123456789ABCDEF"})", R"({"pgo":1})"}) {
    EXPECT_FALSE(TuneConfig::parse(bad).ok()) << bad;
  }
}

TEST(PgoConfig, AllowListRefusesProfileOptionsFromOutside) {
  for (CompilerFamily f : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    for (const char* o : {"-fprofile-use=/tmp/x.profdata", "-fprofile-instr-use=/tmp/x.profdata",
                          "-fprofile-generate", "-fprofile-dir=/tmp", "-fprofile-use"}) {
      TuneConfig c;
      c.options = {o};
      EXPECT_FALSE(check_config(c, f).empty()) << o << " for " << family_name(f);
    }
  }
  TuneConfig ok;
  ok.opt_level = "-O2";
  ok.pgo = kHash;
  EXPECT_TRUE(check_config(ok, CompilerFamily::Gcc).empty());
}

TEST(PgoFiles, GcdaNameFollowsTheObjectPath) {
  EXPECT_EQ(gcda_relative_name("/b/CMakeFiles/x.dir/k.c.o"), "/b/CMakeFiles/x.dir/k.c.gcda");
  EXPECT_EQ(gcda_relative_name("/b/k.o"), "/b/k.gcda");
  EXPECT_EQ(gcda_relative_name("/b.d/k"), "/b.d/k.gcda");
  EXPECT_EQ(gcda_mangled_name("/b/x.dir/k.c.o"), "/#b#x.dir#k.c.gcda");
  EXPECT_EQ(profile_file("/s", kHash, "clang"), "/s/profiles/" + kHash + ".profdata");
  EXPECT_EQ(profile_file("/s", kHash, "gcc"), "/s/profiles/" + kHash + ".gcda");
}

// A stored profile, as training leaves it.
ProfileRecord stored_profile(Store& store, const std::string& dir, const std::string& family) {
  const std::string content = "profile bytes";
  ProfileRecord p;
  p.hash = hash_hex(content);
  p.tu_key = "key1";
  p.bench_id = "bench";
  p.family = family;
  p.path = profile_file(dir, p.hash, family);
  p.size = static_cast<int64_t>(content.size());
  EXPECT_TRUE(fs::make_dirs(profiles_dir(dir)).ok());
  EXPECT_TRUE(fs::write_file_atomic(p.path, content).ok());
  EXPECT_TRUE(store.put_profile(p).ok());
  return p;
}

TEST(PgoFlags, UsesTheProfileOnlyForItsOwnKeyAndContent) {
  TempDir dir;
  auto store = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(store.ok());
  ProfileRecord p = stored_profile(**store, dir.path(), "clang");
  auto got = (*store)->profile(p.hash);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->tu_key, "key1");

  ProfileUse u = profile_use_flags(**store, dir.path(), CompilerFamily::Clang, p.hash, "/b/k.o", "key1");
  EXPECT_EQ(u.outcome, ProfileUse::Outcome::Applied);
  EXPECT_EQ(u.flags, std::vector<std::string>{"-fprofile-instr-use=" + p.path});

  EXPECT_EQ(profile_use_flags(**store, dir.path(), CompilerFamily::Clang, p.hash, "/b/k.o", "key2").outcome,
            ProfileUse::Outcome::Stale);
  EXPECT_EQ(profile_use_flags(**store, dir.path(), CompilerFamily::Clang, kHash, "/b/k.o", "key1").outcome,
            ProfileUse::Outcome::Missing);
  // Altered bytes are not the profile the hash names.
  ASSERT_TRUE(fs::write_file_atomic(p.path, "other bytes").ok());
  EXPECT_EQ(profile_use_flags(**store, dir.path(), CompilerFamily::Clang, p.hash, "/b/k.o", "key1").outcome,
            ProfileUse::Outcome::Missing);
}

TEST(PgoFlags, GccGetsItsGcdaUnderTheObjectName) {
  TempDir dir;
  auto store = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(store.ok());
  ProfileRecord p = stored_profile(**store, dir.path(), "gcc");
  ProfileUse u = profile_use_flags(**store, dir.path(), CompilerFamily::Gcc, p.hash, "/b/k.o", "");
  ASSERT_EQ(u.outcome, ProfileUse::Outcome::Applied) << u.reason;
  const std::string use_dir = dir.path() + "/profiles/use/" + p.hash;
  EXPECT_EQ(u.flags, (std::vector<std::string>{"-fprofile-use=" + use_dir, "-fprofile-partial-training"}));
  EXPECT_EQ(fs::read_file(use_dir + "/b/k.gcda").value_or(""), "profile bytes");
  EXPECT_EQ(fs::read_file(use_dir + "/#b#k.gcda").value_or(""), "profile bytes");
}

TrialOutcome plain(const std::string& opt, double speedup, Verdict v = Verdict::Ok, std::string detail = "") {
  TuneConfig c;
  c.opt_level = opt;
  TrialOutcome o{c, "seed", v, std::move(detail), std::nullopt, std::nullopt, std::nullopt};
  if (v == Verdict::Ok) {
    o.speedup = o.speedup_low = o.speedup_high = speedup;
  }
  return o;
}

// The profile trials a schedule proposes, as "op config", resolving each as
// tu_tuning does and answering with `verdict`.
std::vector<std::string> drain(PgoSchedule& s, Verdict verdict = Verdict::Ok) {
  std::vector<std::string> out;
  while (auto p = s.next()) {
    EXPECT_EQ(p->config.pgo, kPgoRequest);
    out.push_back(p->op + " " + p->config.display());
    TuneConfig c = p->config;
    c.pgo = kHash;
    s.observe({c, p->op, verdict, "", 1.3, 1.3, 1.3});
  }
  return out;
}

TEST(PgoSchedule, TheBoundIsTwoPlusOnePer12Trials) {
  EXPECT_EQ(profile_trial_bound(1), 2);
  EXPECT_EQ(profile_trial_bound(11), 2);
  EXPECT_EQ(profile_trial_bound(12), 3);
  EXPECT_EQ(profile_trial_bound(30), 4);
  EXPECT_EQ(profile_trial_bound(40), 5);
}

TEST(PgoSchedule, PgoAloneThenTheBestPlainConfigsThatAreRealGains) {
  PgoSchedule s(24, 0.01); // 4 profile trials at most
  s.observe(plain("-O1", 1.10));
  s.observe(plain("-O3", 1.20));
  s.observe(plain("-Os", 0.95));
  s.observe(plain("-O2", 1.005)); // beats the baseline, but not by the minimum gain
  s.observe(plain("-Oz", 1.20, Verdict::Ok, kSameAsEarlier)); // -O3's code: no twin of its own
  s.observe(plain("-Ofast", 0, Verdict::Crash));
  EXPECT_FALSE(s.plain_search_over());
  EXPECT_EQ(drain(s), (std::vector<std::string>{"pgo pgo=use", "pgo -O3 pgo=use", "pgo -O1 pgo=use"}));
  EXPECT_EQ(s.used(), 3);
}

TEST(PgoSchedule, TheBoundStopsTheTwins) {
  PgoSchedule s(12, 0.01); // 3
  s.observe(plain("-O1", 1.5));
  s.observe(plain("-O3", 1.6));
  s.observe(plain("-Os", 1.5)); // ties keep the trial order
  s.observe(plain("-Oz", 1.4));
  EXPECT_EQ(drain(s), (std::vector<std::string>{"pgo pgo=use", "pgo -O3 pgo=use", "pgo -O1 pgo=use"}));
  EXPECT_EQ(s.used(), s.bound());
}

TEST(PgoSchedule, TheFinalBestGetsItsTwinEvenBelowTheMinimumGain) {
  PgoSchedule s(12, 0.01);
  s.observe(plain("-O3", 1.004));
  s.observe(plain("-O1", 1.002));
  EXPECT_EQ(drain(s), (std::vector<std::string>{"pgo pgo=use", "pgo -O3 pgo=use"}));
}

TEST(PgoSchedule, NothingBeatTheBaselineSoOnlyPgoAlone) {
  PgoSchedule s(12, 0.01);
  s.observe(plain("-O1", 0.9));
  s.observe(plain("-O3", 1.0, Verdict::Identical, "same object code as the baseline"));
  EXPECT_EQ(drain(s), (std::vector<std::string>{"pgo pgo=use"}));
}

TEST(PgoSchedule, AMismatchedTrialIsRetriedOnceWithinItsProfileTrial) {
  PgoSchedule s(12, 0.01);
  s.observe(plain("-O3", 1.2));
  s.observe(plain("-O1", 1.1));
  std::vector<std::string> order;
  while (auto p = s.next()) {
    order.push_back(p->op + " " + p->config.display());
    TuneConfig c = p->config;
    c.pgo = kHash;
    // gcc: every config but the user's own changes the early-pass flags.
    bool mismatch = !c.opt_level.empty() && p->op == kProfileOp;
    s.observe({c, p->op, mismatch ? Verdict::ProfileMismatch : Verdict::Ok, "", 1.3, 1.3, 1.3});
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pgo pgo=use", "pgo -O3 pgo=use", "pgo-retrain -O3 pgo=use",
                                             "pgo -O1 pgo=use", "pgo-retrain -O1 pgo=use"}));
  EXPECT_EQ(s.used(), 3);
  // A retrained trial that mismatches again is not retried.
  PgoSchedule t(12, 0.01);
  t.observe(plain("-O3", 1.2));
  EXPECT_EQ(drain(t, Verdict::ProfileMismatch),
            (std::vector<std::string>{"pgo pgo=use", "pgo-retrain pgo=use", "pgo -O3 pgo=use", "pgo-retrain -O3 pgo=use"}));
}

TEST(PgoSchedule, AResumedSessionKeepsItsProfileTrialsAndItsPendingRetrain) {
  TuneConfig pgo_only;
  pgo_only.pgo = kHash;
  TuneConfig o3_pgo;
  o3_pgo.opt_level = "-O3";
  o3_pgo.pgo = kHash;
  PgoSchedule s(12, 0.01);
  s.start({plain("-O3", 1.2), plain("-O1", 1.1), {pgo_only, kProfileOp, Verdict::Ok, "", 1.1, 1.1, 1.1},
           {o3_pgo, kProfileOp, Verdict::ProfileMismatch, "coverage-mismatch", std::nullopt, std::nullopt,
            std::nullopt}});
  EXPECT_TRUE(s.plain_search_over());
  EXPECT_EQ(s.used(), 2);
  EXPECT_EQ(drain(s), (std::vector<std::string>{"pgo-retrain -O3 pgo=use", "pgo -O1 pgo=use"}));
  // Killed after the retrain: nothing is repeated.
  PgoSchedule r(12, 0.01);
  r.start({plain("-O3", 1.2), plain("-O1", 1.1), {pgo_only, kProfileOp, Verdict::Ok, "", 1.1, 1.1, 1.1},
           {o3_pgo, kProfileOp, Verdict::ProfileMismatch, "", std::nullopt, std::nullopt, std::nullopt},
           {o3_pgo, kRetrainedOp, Verdict::Ok, "", 1.3, 1.3, 1.3}});
  EXPECT_EQ(drain(r), (std::vector<std::string>{"pgo -O1 pgo=use"}));
  // Without profile trials in the history, the plain search goes on.
  PgoSchedule q(12, 0.01);
  q.start({plain("-O3", 1.2)});
  EXPECT_FALSE(q.plain_search_over());
}

} // namespace
