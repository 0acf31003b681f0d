// Bundles: the file format (sizes, versions, signatures) and the merge into a
// database, with hostile input throughout.
#include "cache/bundle/exporter.h"
#include "cache/bundle/format.h"
#include "cache/bundle/importer.h"
#include "cache/bundle/signature.h"
#include "cache/local/store.h"
#include "tests/support/bundle_winners.h"
#include "tests/support/temp_dir.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

const std::string kKey(32, 'a');
const std::string& kCompiler = llmcc::testing::kBundleCompilerId;
CompilerIdentity gcc() { return llmcc::testing::bundle_gcc(); }
using llmcc::testing::bundle_of;
using winner_options = std::vector<std::string>;
WinnerRecord winner(const std::string& rel, char key_digit, double low, winner_options options = {"-funroll-loops"}) {
  return llmcc::testing::bundle_winner(rel, key_digit, low, std::move(options));
}

std::string encoded(const Bundle& b, const std::optional<std::string>& key = std::nullopt) {
  auto bytes = encode_bundle(b, key);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  return bytes.ok() ? *bytes : std::string();
}

void set_u64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    bytes[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  }
}

struct Db {
  TempDir dir;
  std::unique_ptr<Store> store;
  Db() {
    auto s = Store::open(dir.path() + "/llmcc.db");
    EXPECT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }
  std::vector<WinnerRecord> winners() { return store->winners().value_or({}); }
};

MergeReport merge(Store& store, const std::string& bytes, bool dry_run = false) {
  auto decoded = decode_bundle(bytes, std::nullopt);
  EXPECT_TRUE(decoded.ok()) << decoded.error().message;
  MergeOptions o;
  o.from = "team.llmcc";
  o.dry_run = dry_run;
  auto r = merge_bundle(store, *decoded, o);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : MergeReport{};
}

} // namespace

TEST(BundleFormat, RoundTripsWinnersCompilersAndProvenance) {
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1), winner("src/b.c", 'b', 1.2)}));
  EXPECT_EQ(bytes.substr(0, 8), "LLMCCBND");
  auto d = decode_bundle(bytes, std::nullopt);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->signature, SignatureState::Unsigned);
  ASSERT_EQ(d->bundle.winners.size(), 2u);
  EXPECT_EQ(d->bundle.winners[1]["source_rel"], "src/b.c");
  EXPECT_EQ(d->bundle.winners[1]["evidence"]["trials"], 12);
  EXPECT_EQ(d->bundle.winners[1]["evidence"]["low"], 1.2);
  EXPECT_EQ(d->bundle.provenance.hw_class, "x86_64/GenuineIntel/x86-64-v3");
  ASSERT_EQ(d->bundle.compilers.size(), 1u);
  EXPECT_EQ(d->bundle.compilers[0].family, CompilerFamily::Gcc);
  EXPECT_EQ(d->bundle.compilers[0].path, ""); // paths of the exporting machine are not shared
}

TEST(BundleFormat, EveryTruncationIsRefused) {
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1)}));
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_bundle(std::string_view(bytes).substr(0, n), std::nullopt).ok()) << n;
  }
  EXPECT_FALSE(decode_bundle(bytes + "x", std::nullopt).ok());
}

TEST(BundleFormat, GarbledBytesNeverCrash) {
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1)}));
  int decoded = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char x : {0x01, 0x80, 0xff}) {
      std::string g = bytes;
      g[i] = static_cast<char>(static_cast<unsigned char>(g[i]) ^ x);
      decoded += decode_bundle(g, std::nullopt).ok() ? 1 : 0;
    }
  }
  // zstd frames carry a checksum only optionally, so a flipped byte in the
  // payload may still decode; whatever decodes is then checked entry by entry.
  EXPECT_LT(decoded, static_cast<int>(bytes.size()));
}

TEST(BundleFormat, WrongVersionAndUnknownFlagsAreRefused) {
  std::string bytes = encoded(bundle_of({}));
  std::string v2 = bytes;
  v2[8] = 2;
  auto d = decode_bundle(v2, std::nullopt);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "bundle format version 2 is not supported (this llmcc reads version 1)");
  std::string flags = bytes;
  flags[12] = 4;
  EXPECT_FALSE(decode_bundle(flags, std::nullopt).ok());
}

TEST(BundleFormat, HugeDeclaredSizesAreRefusedBeforeAllocating) {
  std::string bytes = encoded(bundle_of({}));
  std::string huge = bytes;
  set_u64(huge, 24, uint64_t{1} << 62);
  auto d = decode_bundle(huge, std::nullopt);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("over the limit"), std::string::npos) << d.error().message;
  std::string huge_payload = bytes;
  set_u64(huge_payload, 16, ~uint64_t{0});
  EXPECT_FALSE(decode_bundle(huge_payload, std::nullopt).ok());
  // A content size that disagrees with the zstd frame's own.
  std::string lying = bytes;
  set_u64(lying, 24, 5);
  EXPECT_FALSE(decode_bundle(lying, std::nullopt).ok());
}

TEST(BundleFormat, NotJsonOrNotABundleDocumentIsRefused) {
  Bundle b = bundle_of({});
  std::string bytes = encoded(b);
  EXPECT_FALSE(decode_bundle("LLMCCBND", std::nullopt).ok());
  EXPECT_FALSE(decode_bundle(std::string(64, '\0'), std::nullopt).ok());
}

TEST(BundleSignature, SignedBundlesVerifyAndTamperingIsRefused) {
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1)}), kKey);
  auto ok = decode_bundle(bytes, kKey);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->signature, SignatureState::Verified);

  auto unchecked = decode_bundle(bytes, std::nullopt);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_EQ(unchecked->signature, SignatureState::NotChecked);

  auto wrong_key = decode_bundle(bytes, std::string(32, 'b'));
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().message, "bundle signature does not match LLMCC_TEAM_KEY: refused");

  std::string tampered = bytes;
  tampered.back() = static_cast<char>(tampered.back() ^ 1);
  EXPECT_FALSE(decode_bundle(tampered, kKey).ok());

  auto unsigned_bundle = decode_bundle(encoded(bundle_of({})), kKey);
  ASSERT_FALSE(unsigned_bundle.ok());
  EXPECT_EQ(unsigned_bundle.error().message, "bundle is not signed, and LLMCC_TEAM_KEY is set: refused");

  // Clearing the signed flag does not turn a signed bundle into an accepted unsigned one.
  std::string stripped = bytes;
  stripped[12] = 0;
  EXPECT_FALSE(decode_bundle(stripped, kKey).ok());
}

TEST(BundleSignature, HmacMatchesTheRfc4231Vector) {
  // RFC 4231 test case 2.
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (unsigned char c : mac) {
    hex += fmt::format("{:02x}", c);
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(signature_matches("Jefe", "what do ya want for nothing?", mac));
  EXPECT_FALSE(signature_matches("Jefe", "what do ya want for nothing!", mac));
  EXPECT_FALSE(signature_matches("Jefe", "what do ya want for nothing?", mac.substr(1)));
}

TEST(BundleEntry, ForbiddenFlagsAreRejectedByTheAllowList) {
  Bundle b = bundle_of({});
  for (const std::string bad : {"-fplugin=/tmp/evil.so", "-B/tmp", "@/etc/passwd", "-mllvm -load=/tmp/x.so",
                                "-specs=/tmp/x", "-wrapper /bin/sh", "-fpass-plugin=/tmp/x.so", "-o x"}) {
    EntryCheck c = check_entry(winner_entry(winner("src/a.c", 'a', 1.1, {bad})), b, {}, 2000);
    EXPECT_FALSE(c.winner) << bad;
    EXPECT_EQ(c.category, "forbidden config") << bad;
  }
  EntryCheck unsafe = check_entry(winner_entry(winner("src/a.c", 'a', 1.1, {"-ffast-math"})), b, {}, 2000);
  EXPECT_EQ(unsafe.category, "forbidden config");
  SafetyPolicy allow;
  allow.allow_unsafe_math = true;
  EXPECT_TRUE(check_entry(winner_entry(winner("src/a.c", 'a', 1.1, {"-ffast-math"})), b, allow, 2000).winner);
}

TEST(BundleEntry, BadFieldsAreRejectedByReason) {
  Bundle b = bundle_of({});
  auto category = [&](const nlohmann::json& e) { return check_entry(e, b, {}, 2000).category; };
  WinnerRecord ok = winner("src/a.c", 'a', 1.1);
  EXPECT_EQ(category(winner_entry(ok)), "");

  for (const std::string rel : {"../etc/passwd.c", "/etc/x.c", "src/../../x.c", "src//x.c", "./x.c"}) {
    WinnerRecord w = ok;
    w.source_rel = rel;
    w.source_base = rel.substr(rel.rfind('/') + 1);
    EXPECT_EQ(category(winner_entry(w)), "bad path") << rel;
  }
  WinnerRecord base = ok;
  base.source_base = "other.c";
  EXPECT_EQ(category(winner_entry(base)), "bad path");

  WinnerRecord key = ok;
  key.tu_key = "x' OR 1=1; --";
  EXPECT_EQ(category(winner_entry(key)), "bad key");
  WinnerRecord cls = ok;
  cls.hw_class = "x86_64'; DROP TABLE winners; --";
  EXPECT_EQ(category(winner_entry(cls)), "bad host");
  WinnerRecord unknown = ok;
  unknown.compiler_id = std::string(32, 'd');
  EXPECT_EQ(category(winner_entry(unknown)), "unknown compiler");

  nlohmann::json nan = winner_entry(ok);
  nan["speedup"] = 1e308 * 10;
  EXPECT_EQ(category(nan), "bad evidence");
  nlohmann::json wrong_type = winner_entry(ok);
  wrong_type["tu_key"] = 5;
  EXPECT_EQ(category(wrong_type), "malformed");
  nlohmann::json extra_config_key = winner_entry(ok);
  extra_config_key["config"]["run"] = "rm -rf /";
  EXPECT_EQ(category(extra_config_key), "malformed");
  EXPECT_EQ(category(nlohmann::json::array()), "malformed");
  EXPECT_EQ(category(nlohmann::json("text")), "malformed");
}

TEST(BundleEntry, FutureDatesAndForeignSessionsAreNotKept) {
  WinnerRecord w = winner("src/a.c", 'a', 1.1);
  w.created = 99999999999;
  w.session_id = 7;
  EntryCheck c = check_entry(winner_entry(w), bundle_of({}), {}, 2000);
  ASSERT_TRUE(c.winner);
  EXPECT_EQ(c.winner->created, 2000);
  EXPECT_EQ(c.winner->session_id, 0);
}

TEST(BundleMerge, AddsThenIsIdempotent) {
  Db db;
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1), winner("src/b.c", 'b', 1.2)}));
  MergeReport first = merge(*db.store, bytes);
  EXPECT_EQ(first.added, 2);
  EXPECT_EQ(first.skipped, 0);
  MergeReport second = merge(*db.store, bytes);
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.skipped, 2);
  EXPECT_EQ(second.skipped_by_reason.at("already here"), 2);
  auto ws = db.winners();
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_EQ(ws[0].origin, "bundle");
  EXPECT_EQ(ws[0].trials, 12);
  auto prov = nlohmann::json::parse(ws[0].provenance);
  EXPECT_EQ(prov["via"], "bundle");
  EXPECT_EQ(prov["from"], "team.llmcc");
  EXPECT_EQ(prov["exported_by"], "abc123");
}

TEST(BundleMerge, KeepsTheBetterEvidencedWinnerOnAConflict) {
  Db db;
  WinnerRecord local = winner("src/a.c", 'a', 1.15, {"-funroll-loops"});
  local.origin = "local";
  ASSERT_TRUE(db.store->put_winner(local).ok());

  MergeReport weaker = merge(*db.store, encoded(bundle_of({winner("src/a.c", 'a', 1.05, {"-fno-tree-vectorize"})})));
  EXPECT_EQ(weaker.skipped, 1);
  EXPECT_EQ(weaker.skipped_by_reason.at("stored winner is better evidenced"), 1);
  EXPECT_EQ(db.winners()[0].config.display(), "-O3 -funroll-loops");
  EXPECT_EQ(db.winners()[0].origin, "local");

  MergeReport stronger = merge(*db.store, encoded(bundle_of({winner("src/a.c", 'a', 1.30, {"-fpeel-loops"})})));
  EXPECT_EQ(stronger.replaced, 1);
  ASSERT_EQ(stronger.lines.size(), 1u);
  EXPECT_EQ(stronger.lines[0].reason, "-O3 -funroll-loops (lower bound 1.150x) replaced by -O3 -fpeel-loops (lower "
                                      "bound 1.300x)");
  ASSERT_EQ(db.winners().size(), 1u);
  EXPECT_EQ(db.winners()[0].config.display(), "-O3 -fpeel-loops");
  EXPECT_EQ(db.winners()[0].origin, "bundle");
}

TEST(BundleMerge, EqualBoundsPreferMoreTrials) {
  WinnerRecord a = winner("src/a.c", 'a', 1.1);
  WinnerRecord b = a;
  b.trials = 40;
  EXPECT_TRUE(better_evidenced(b, a));
  EXPECT_FALSE(better_evidenced(a, b));
  EXPECT_FALSE(better_evidenced(a, a));
}

TEST(BundleMerge, DryRunChangesNothingAndReportsTheSame) {
  Db db;
  std::string bytes = encoded(bundle_of({winner("src/a.c", 'a', 1.1), winner("src/a.c", 'a', 1.3, {"-fpeel-loops"})}));
  MergeReport dry = merge(*db.store, bytes, true);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(dry.added, 1);
  EXPECT_EQ(dry.replaced, 1); // the second entry beats the first within the same bundle
  EXPECT_TRUE(db.winners().empty());
  MergeReport real = merge(*db.store, bytes);
  EXPECT_EQ(real.added, 1);
  EXPECT_EQ(real.replaced, 1);
  EXPECT_EQ(db.winners().size(), 1u);
}

TEST(BundleMerge, RejectedEntriesAreCountedAndNeverStored) {
  Db db;
  WinnerRecord sql = winner("src/x'); DROP TABLE winners; --.c", 'e', 1.1);
  Bundle b = bundle_of({winner("src/a.c", 'a', 1.1, {"-fplugin=/tmp/evil.so"}), sql});
  b.winners.push_back("not an object");
  MergeReport r = merge(*db.store, encoded(b));
  EXPECT_EQ(r.rejected, 2);
  EXPECT_EQ(r.rejected_by_reason.at("forbidden config"), 1);
  EXPECT_EQ(r.rejected_by_reason.at("malformed"), 1);
  EXPECT_EQ(r.added, 1);
  auto ws = db.winners();
  ASSERT_EQ(ws.size(), 1u); // the table survived, and the name is stored as text, verbatim
  EXPECT_EQ(ws[0].source_rel, "src/x'); DROP TABLE winners; --.c");
}

TEST(BundleExport, CollectsWinnersWithTheirCompilersAndFilters) {
  Db db;
  ASSERT_TRUE(db.store->put_compiler(gcc()).ok());
  WinnerRecord a = winner("src/a.c", 'a', 1.1);
  WinnerRecord b = winner("src/b.c", 'b', 1.2);
  b.hw_class = "aarch64/ARM/armv8";
  WinnerRecord orphan = winner("src/c.c", 'c', 1.2);
  orphan.compiler_id = std::string(32, 'f');
  for (const auto& w : {a, b, orphan}) {
    ASSERT_TRUE(db.store->put_winner(w).ok());
  }
  auto all = collect_bundle(*db.store, {}, {"h", "c", "0.1.0", 5});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->bundle.winners.size(), 2u);
  EXPECT_EQ(all->without_compiler, 1);
  ASSERT_EQ(all->bundle.compilers.size(), 1u);

  ExportFilter by_class;
  by_class.hw_class = "aarch64/ARM/armv8";
  auto one = collect_bundle(*db.store, by_class, {});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->bundle.winners.size(), 1u);
  EXPECT_EQ(one->bundle.winners[0]["source_rel"], "src/b.c");

  ExportFilter by_compiler;
  by_compiler.compiler_id = "ccc";
  EXPECT_EQ(collect_bundle(*db.store, by_compiler, {})->bundle.winners.size(), 2u);
  by_compiler.compiler_id = "ddd";
  EXPECT_EQ(collect_bundle(*db.store, by_compiler, {})->bundle.winners.size(), 0u);

  // And what was exported imports into a fresh database unchanged.
  Db other;
  MergeReport r = merge(*other.store, encoded(all->bundle));
  EXPECT_EQ(r.added, 2);
  auto ws = other.winners();
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_EQ(ws[0].config, a.config);
  EXPECT_EQ(ws[0].speedup_low, a.speedup_low);
  EXPECT_EQ(ws[0].hw_class, a.hw_class);
}

TEST(BundleMerge, AWinnerDroppedHereIsSkippedFromAnyHostButAnotherConfigIsNot) {
  Db db;
  const WinnerRecord dropped = winner("src/a.c", 'a', 1.1);
  ASSERT_TRUE(db.store
                  ->put_rejection(rejection_of(dropped, 1.0, 0.99, 1.01,
                                               "does not hold on this machine: 1.000x [0.990, 1.010] (needs > 1.001x)",
                                               4, 1'700'000'000))
                  .ok());
  WinnerRecord again = dropped;
  again.host_fp = "def456"; // another host of the class offers the same config
  WinnerRecord other_config = winner("src/a.c", 'a', 1.1, {"-fpeel-loops"});
  WinnerRecord other_class = dropped;
  other_class.hw_class = "aarch64/ARM/armv8";
  other_class.host_fp = "arm1";
  WinnerRecord other_objective = dropped;
  other_objective.objective = "instructions";
  std::string bytes = encoded(bundle_of({again, other_config, other_class, other_objective}));
  const std::string why = "dropped on this host by tune --reconfirm: -O3 -funroll-loops on time: does not hold on "
                          "this machine: 1.000x [0.990, 1.010] (needs > 1.001x) (llmcc tune --reconfirm session 4, "
                          "2023-11-14 22:13 UTC)";
  for (bool dry_run : {true, false}) {
    MergeReport r = merge(*db.store, bytes, dry_run);
    EXPECT_EQ(r.skipped, 1) << dry_run;
    EXPECT_EQ(r.added, 3) << dry_run;
    EXPECT_EQ(r.replaced, 0) << dry_run;
    EXPECT_EQ(r.skipped_by_reason.at(kDroppedHereReason), 1) << dry_run;
    ASSERT_EQ(r.lines.size(), 4u);
    EXPECT_EQ(r.lines[0].outcome, MergeOutcome::Skipped);
    EXPECT_EQ(r.lines[0].source_rel, "src/a.c");
    EXPECT_EQ(r.lines[0].reason, why);
    EXPECT_EQ(r.to_json()["skipped_by_reason"][kDroppedHereReason], 1);
  }
  auto ws = db.winners();
  ASSERT_EQ(ws.size(), 3u);
  for (const auto& w : ws) {
    EXPECT_FALSE(w.config == dropped.config && w.hw_class == dropped.hw_class && w.objective == dropped.objective);
  }
  // The record outlives the import; ending it lets the winner in again.
  ASSERT_EQ(db.store->rejections().value_or({}).size(), 1u);
  ASSERT_TRUE(db.store->clear_rejection(again).ok());
  EXPECT_TRUE(db.store->rejections().value_or({}).empty());
  MergeReport after = merge(*db.store, encoded(bundle_of({again})));
  EXPECT_EQ(after.added, 1);
  EXPECT_EQ(after.skipped, 0);
}
