// Profile-guided tuning: the config's profile field, the allow-list, where
// profiles live, the profile-use planner and the compile path's profile flags.
#include "cache/local/store.h"
#include "cache/profile_files.h"
#include "flags/allow_list.h"
#include "flags/tune_config.h"
#include "tests/support/temp_dir.h"
#include "tuner/pgo_planner.h"
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

// A planner that proposes -O1, -O2, -O3 in turn.
class ListPlanner : public Planner {
public:
  std::string name() const override { return "list"; }
  void start(const PlanningContext&, const std::vector<TrialOutcome>& history) override {
    seen_history = history.size();
  }
  std::vector<Proposal> propose(size_t) override {
    if (m_next >= 3) {
      return {};
    }
    TuneConfig c;
    c.opt_level = "-O" + std::to_string(++m_next);
    return {{c, "seed", ""}};
  }
  void observe(const TrialOutcome& o) override { observed.push_back(o.config.display()); }
  size_t seen_history = 0;
  std::vector<std::string> observed;

private:
  int m_next = 0;
};

TEST(PgoPlanner, TriesProfileAloneFirstThenWithEachBestConfig) {
  auto inner = std::make_unique<ListPlanner>();
  ListPlanner* list = inner.get();
  auto planner = with_profile_use(std::move(inner));
  planner->start(PlanningContext{}, {});
  std::vector<std::string> order;
  const std::map<std::string, double> speedup = {{"-O1", 0.9}, {"-O2", 1.1}, {"-O3", 1.05}};
  while (true) {
    auto p = planner->propose(1);
    if (p.empty()) {
      break;
    }
    TuneConfig c = p.front().config;
    order.push_back(c.display());
    if (c.pgo == kPgoRequest) {
      c.pgo = kHash; // as tu_tuning resolves it
    }
    TrialOutcome o{c, p.front().op, Verdict::Ok, "", speedup.count(c.opt_level) ? speedup.at(c.opt_level) : 1.2,
                   std::nullopt, std::nullopt};
    planner->observe(o);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pgo=use", "-O1", "-O2", "-O2 pgo=use", "-O3"}));
  EXPECT_EQ(list->observed, (std::vector<std::string>{"-O1", "-O2", "-O3"}));
}

TEST(PgoPlanner, AResumedSessionDoesNotRepeatProfileTrials) {
  auto inner = std::make_unique<ListPlanner>();
  ListPlanner* list = inner.get();
  auto planner = with_profile_use(std::move(inner));
  TuneConfig pgo_only;
  pgo_only.pgo = kHash;
  TuneConfig o2;
  o2.opt_level = "-O2";
  planner->start(PlanningContext{}, {{pgo_only, "pgo", Verdict::Ok, "", 1.1, std::nullopt, std::nullopt},
                                     {o2, "seed", Verdict::Ok, "", 1.2, std::nullopt, std::nullopt}});
  EXPECT_EQ(list->seen_history, 1u);
  auto p = planner->propose(1);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.front().config.display(), "-O2 pgo=use");
}

} // namespace
