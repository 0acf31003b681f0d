// The trial history section of bundles (cache/bundle/trial_history.h): its own
// version beside the bundle's, each row checked alone (allow-list included),
// and an import that stores a trial once however often it arrives.
#include "cache/bundle/exporter.h"
#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/bundle/trial_history.h"
#include "cache/local/store.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <functional>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

const std::string kCompiler(32, 'c');
const std::string kTu(32, 'a');

WinnerRecord winner() {
  WinnerRecord w;
  w.tu_key = kTu;
  w.source_rel = "src/a.c";
  w.source_base = "a.c";
  w.compiler_id = kCompiler;
  w.host_fp = "abc123";
  w.hw_class = "x86_64/GenuineIntel/x86-64-v3";
  w.config.opt_level = "-O3";
  w.config.options = {"-funroll-loops"};
  w.speedup = 1.2;
  w.speedup_low = 1.1;
  w.speedup_high = 1.3;
  w.baseline = 2.0;
  w.best = 1.6;
  w.trials = 2;
  w.created = 1000;
  return w;
}

TrialRow trial(std::vector<std::string> options, Verdict verdict, int64_t created) {
  TrialRow t;
  t.tu_key = kTu;
  t.source = "/home/someone/project/src/a.c";
  t.config.opt_level = "-O3";
  t.config.options = std::move(options);
  t.planner = "search";
  t.op = "flip";
  t.verdict = verdict;
  t.detail = "gcc: error in /home/someone/project/src/a.c";
  t.objective = "time";
  t.score = 1.6;
  t.speedup = 1.25;
  t.speedup_low = 1.1;
  t.speedup_high = 1.4;
  t.samples = nlohmann::json::array({1.6, 1.61});
  t.base_samples = nlohmann::json::array({2.0, 2.01});
  t.compile_sec = 0.25;
  t.object_hash = "deadbeef";
  t.created = created;
  return t;
}

Bundle bundle_with_history(const std::vector<TrialRow>& trials) {
  Bundle b;
  b.provenance = {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000};
  CompilerIdentity c;
  c.id = kCompiler;
  c.family = CompilerFamily::Gcc;
  b.compilers.push_back(c);
  b.winners.push_back(winner_entry(winner()));
  b.history_version = kBundleHistoryVersion;
  for (const auto& t : trials) {
    b.history.push_back(history_entry(t, winner()));
  }
  return b;
}

// A bundle file around hand-written JSON, as a hostile sender would make one.
std::string bundle_around(const std::string& text) {
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
  std::string out = "LLMCCBND";
  auto put = [&](uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
  };
  put(kBundleFormatVersion, 4);
  put(0, 4);
  put(frame.size(), 8);
  put(text.size(), 8);
  return out + frame;
}

nlohmann::json document(const nlohmann::json& history) {
  nlohmann::json doc = {{"format", "llmcc-bundle"},
                        {"version", kBundleFormatVersion},
                        {"provenance", {{"host_fp", "abc123"}}},
                        {"compilers", nlohmann::json::array()},
                        {"winners", nlohmann::json::array()}};
  if (!history.is_null()) {
    doc["history"] = history;
  }
  return doc;
}

struct Db {
  TempDir dir;
  std::unique_ptr<Store> store;
  Db() {
    auto s = Store::open(dir.path() + "/llmcc.db");
    EXPECT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }
  size_t trials() { return store->trials_for_tu(kTu).value_or({}).size(); }
};

MergeReport merge(Store& store, const Bundle& b, bool dry_run = false) {
  auto bytes = encode_bundle(b, std::nullopt);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  auto decoded = decode_bundle(*bytes, std::nullopt);
  EXPECT_TRUE(decoded.ok()) << decoded.error().message;
  MergeOptions o;
  o.from = "team.llmcc";
  o.dry_run = dry_run;
  auto r = merge_bundle(store, *decoded, o);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : MergeReport{};
}

} // namespace

TEST(BundleHistory, RoundTripsWithoutLocalPathsOrDetail) {
  auto bytes = encode_bundle(bundle_with_history({trial({"-funroll-loops"}, Verdict::Ok, 101)}), std::nullopt);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto d = decode_bundle(*bytes, std::nullopt);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->bundle.history_version, kBundleHistoryVersion);
  ASSERT_EQ(d->bundle.history.size(), 1u);
  const auto& row = d->bundle.history[0];
  EXPECT_EQ(row["source_rel"], "src/a.c");
  EXPECT_EQ(row["verdict"], "ok");
  EXPECT_EQ(row["speedup_low"], 1.1);
  EXPECT_FALSE(row.contains("source"));
  EXPECT_FALSE(row.contains("detail"));
  EXPECT_FALSE(row.contains("object_hash"));
  EXPECT_EQ(row.dump().find("/home/someone"), std::string::npos);
}

TEST(BundleHistory, ABundleWithoutTheSectionHasNoHistory) {
  Bundle b = bundle_with_history({});
  b.history_version = 0;
  auto d = decode_bundle(*encode_bundle(b, std::nullopt), std::nullopt);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->bundle.history_version, 0);
  EXPECT_TRUE(d->bundle.history.empty());
  EXPECT_TRUE(d->bundle.history_note.empty());
  EXPECT_EQ(d->bundle.winners.size(), 1u);
}

TEST(BundleHistory, ANewerSectionVersionLeavesTheTrialsOutNotTheWinners) {
  Bundle b = bundle_with_history({trial({"-funroll-loops"}, Verdict::Ok, 101)});
  b.history_version = kBundleHistoryVersion + 1;
  auto d = decode_bundle(*encode_bundle(b, std::nullopt), std::nullopt);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->bundle.history_version, 0);
  EXPECT_TRUE(d->bundle.history.empty());
  EXPECT_EQ(d->bundle.history_note, "its trial history is version 2, this llmcc reads version 1: left out");
  EXPECT_EQ(d->bundle.winners.size(), 1u);
}

TEST(BundleHistory, AMalformedSectionRefusesTheBundle) {
  for (const nlohmann::json& h : {nlohmann::json("trials"), nlohmann::json::object(),
                                  nlohmann::json({{"version", "1"}, {"trials", nlohmann::json::array()}}),
                                  nlohmann::json({{"version", 1}, {"trials", 3}})}) {
    auto d = decode_bundle(bundle_around(document(h).dump()), std::nullopt);
    EXPECT_FALSE(d.ok()) << h.dump();
  }
  auto ok = decode_bundle(bundle_around(document(nullptr).dump()), std::nullopt);
  EXPECT_TRUE(ok.ok()) << ok.error().message;
}

TEST(BundleHistory, RowsAreCheckedAloneAndByReason) {
  Bundle b = bundle_with_history({});
  const nlohmann::json good = history_entry(trial({"-funroll-loops"}, Verdict::Ok, 101), winner());
  HistoryCheck ok = check_history_entry(good, b, {}, 2000);
  ASSERT_TRUE(ok.trial) << ok.reason;
  EXPECT_EQ(ok.trial->source, "src/a.c");
  EXPECT_EQ(ok.trial->verdict, Verdict::Ok);
  EXPECT_EQ(ok.trial->created, 101);
  auto category = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json row = good;
    edit(row);
    return check_history_entry(row, b, {}, 2000).category;
  };
  EXPECT_EQ(category([](auto& r) { r["config"]["options"] = {"-fplugin=/tmp/evil.so"}; }), "forbidden config");
  EXPECT_EQ(category([](auto& r) { r["config"]["options"] = {"-B/tmp"}; }), "forbidden config");
  EXPECT_EQ(category([](auto& r) { r["config"]["options"] = {"@/etc/passwd"}; }), "forbidden config");
  EXPECT_EQ(category([](auto& r) { r["source_rel"] = "../../etc/passwd"; }), "bad path");
  EXPECT_EQ(category([](auto& r) { r["source_rel"] = "/etc/passwd"; }), "bad path");
  EXPECT_EQ(category([](auto& r) { r["tu_key"] = "'; DROP TABLE trials; --"; }), "bad key");
  EXPECT_EQ(category([](auto& r) { r["compiler_id"] = std::string(32, 'd'); }), "unknown compiler");
  EXPECT_EQ(category([](auto& r) { r["verdict"] = "great"; }), "bad verdict");
  EXPECT_EQ(category([](auto& r) { r["speedup"] = 1e9; }), "bad evidence");
  EXPECT_EQ(category([](auto& r) { r["compile_sec"] = -1; }), "bad evidence");
  EXPECT_EQ(category([](auto& r) { r["planner"] = "llm\n$(rm -rf /)"; }), "bad name");
  EXPECT_EQ(category([](auto& r) { r.erase("objective"); }), "malformed");
  EXPECT_EQ(category([](auto& r) { r["config"] = 3; }), "malformed");
  EXPECT_EQ(check_history_entry(nlohmann::json::array(), b, {}, 2000).category, "malformed");
  nlohmann::json future = good;
  future["created"] = 999'999'999'999;
  EXPECT_EQ(check_history_entry(future, b, {}, 2000).trial->created, 2000);
}

TEST(BundleHistory, ImportStoresEachTrialOnceUnderOneSession) {
  Db db;
  Bundle b = bundle_with_history({trial({"-funroll-loops"}, Verdict::Ok, 101),
                                  trial({"-fpeel-loops"}, Verdict::Identical, 102)});
  MergeReport dry = merge(*db.store, b, true);
  EXPECT_TRUE(dry.history.present);
  EXPECT_EQ(dry.history.added, 2);
  EXPECT_EQ(db.trials(), 0u);

  MergeReport first = merge(*db.store, b);
  EXPECT_EQ(first.added, 1);
  EXPECT_EQ(first.history.added, 2);
  EXPECT_EQ(first.history.skipped, 0);
  auto stored = db.store->trials_for_tu(kTu).value_or({});
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].source, "src/a.c");
  EXPECT_EQ(stored[0].object_hash, "");
  EXPECT_EQ(stored[0].detail, "imported from host abc123");
  EXPECT_EQ(stored[0].session_id, stored[1].session_id);
  auto session = db.store->session(stored[0].session_id).value_or(std::nullopt);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->state, SessionState::Done);
  EXPECT_EQ(session->args["imported"]["from"], "team.llmcc");

  MergeReport second = merge(*db.store, b);
  EXPECT_EQ(second.history.added, 0);
  EXPECT_EQ(second.history.skipped, 2);
  EXPECT_EQ(db.trials(), 2u);

  // A later row of the same bundle joins the same session.
  b.history.push_back(history_entry(trial({"-funroll-loops"}, Verdict::Ok, 103), winner()));
  MergeReport third = merge(*db.store, b);
  EXPECT_EQ(third.history.added, 1);
  stored = db.store->trials_for_tu(kTu).value_or({});
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].session_id, stored[0].session_id);
}

TEST(BundleHistory, AForbiddenRowIsRejectedAloneAndNeverStored) {
  Db db;
  Bundle b = bundle_with_history({trial({"-funroll-loops"}, Verdict::Ok, 101),
                                  trial({"-fplugin=/tmp/evil.so"}, Verdict::Rejected, 102)});
  MergeReport r = merge(*db.store, b);
  EXPECT_EQ(r.history.added, 1);
  EXPECT_EQ(r.history.rejected, 1);
  EXPECT_EQ(r.history.rejected_by_reason.at("forbidden config"), 1);
  EXPECT_EQ(r.to_json()["history"]["rejected_by_reason"]["forbidden config"], 1);
  for (const auto& t : db.store->trials_for_tu(kTu).value_or({})) {
    EXPECT_EQ(t.config.canonical().find("plugin"), std::string::npos);
  }
  EXPECT_EQ(db.trials(), 1u);
}

TEST(BundleHistory, ABundleWithoutHistoryReportsNone) {
  Db db;
  Bundle b = bundle_with_history({});
  b.history_version = 0;
  MergeReport r = merge(*db.store, b);
  EXPECT_FALSE(r.history.present);
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(db.trials(), 0u);
}

TEST(BundleHistory, TrialsTheTunerRefusedAreNeitherExportedNorImported) {
  EXPECT_FALSE(shares_trial_verdict(Verdict::Rejected));
  EXPECT_FALSE(shares_trial_verdict(Verdict::Unmeasurable));
  for (Verdict v : {Verdict::Ok, Verdict::Identical, Verdict::CompileError, Verdict::Crash, Verdict::Timeout,
                    Verdict::Mismatch, Verdict::VerifyFailed, Verdict::BaselineFailed, Verdict::Interrupted,
                    Verdict::NotConfirmed, Verdict::ProfileMismatch}) {
    EXPECT_TRUE(shares_trial_verdict(v)) << to_string(v);
  }
  Db db;
  CompilerIdentity gcc;
  gcc.id = kCompiler;
  gcc.path = "/usr/bin/gcc-12";
  gcc.family = CompilerFamily::Gcc;
  gcc.version = "12.2.0";
  ASSERT_TRUE(db.store->put_compiler(gcc).ok());
  auto session = db.store->create_session("/b", nlohmann::json::object());
  ASSERT_TRUE(session.ok()) << session.error().message;
  WinnerRecord w = winner();
  w.session_id = *session;
  ASSERT_TRUE(db.store->put_winner(w).ok());
  // What a session stores when the allow-list refuses a proposal before building
  // it, with a forbidden config and with one this receiver would allow.
  for (const TrialRow& t :
       {trial({"-funroll-loops"}, Verdict::Ok, 101), trial({"-fplugin=/tmp/evil.so"}, Verdict::Rejected, 102),
        trial({"-fpeel-loops"}, Verdict::Identical, 103), trial({"-fpeel-loops"}, Verdict::Rejected, 104)}) {
    TrialRow row = t;
    row.session_id = *session;
    ASSERT_TRUE(db.store->add_trial(row).ok());
  }
  ExportFilter filter;
  filter.with_history = true;
  auto out = collect_bundle(*db.store, filter, {"abc123", "x86_64/GenuineIntel/x86-64-v3", "0.1.0", 1000});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->history_trials, 2);
  EXPECT_EQ(out->history_refused, 2);
  ASSERT_EQ(out->bundle.history.size(), 2u);
  EXPECT_EQ(out->bundle.history[0]["verdict"], "ok");
  EXPECT_EQ(out->bundle.history[1]["verdict"], "identical");

  // A sender that still sends one gets it refused by the same list, even with a config allowed here.
  Bundle b = bundle_with_history({});
  HistoryCheck refused =
      check_history_entry(history_entry(trial({"-fpeel-loops"}, Verdict::Rejected, 104), winner()), b, {}, 2000);
  EXPECT_FALSE(refused.trial);
  EXPECT_EQ(refused.category, "refused by the tuner");
  EXPECT_EQ(refused.reason, "refused by the tuner: rejected");
  Db other;
  MergeReport r = merge(*other.store, bundle_with_history({trial({"-fpeel-loops"}, Verdict::Rejected, 104),
                                                           trial({"-fpeel-loops"}, Verdict::Identical, 103)}));
  EXPECT_EQ(r.history.added, 1);
  EXPECT_EQ(r.history.rejected, 1);
  EXPECT_EQ(r.history.rejected_by_reason.at("refused by the tuner"), 1);
  EXPECT_EQ(other.trials(), 1u);
}
