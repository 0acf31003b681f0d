// Host claims (cache/remote/claim_board.h) against the file store: one holder
// at a time, expired and garbage claims taken over, only our own released.
#include "cache/remote/claim_board.h"
#include "cache/remote/remote_store.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <memory>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  std::unique_ptr<RemoteStore> store;
  int64_t now = 1'000'000;
  Fixture() {
    RemoteSpec spec;
    spec.url = "file:" + dir.path();
    auto s = open_remote_store(spec);
    EXPECT_TRUE(s);
    store = std::move(*s);
  }
  ClaimBoard board(const std::string& owner, int64_t ttl_ms = 60'000) {
    return ClaimBoard(*store, "a/b/c", owner, "host-" + owner, ttl_ms, [this] { return now; });
  }
  std::string value(const std::string& tu) {
    auto r = store->get(claim_key("a/b/c", tu));
    return r.body.value_or("");
  }
};

} // namespace

TEST(ClaimKeys, LiveUnderTheClassPrefix) {
  EXPECT_EQ(claims_prefix("a/b/c"), "llmcc/v1/a+b+c/claims/");
  EXPECT_EQ(claim_key("a/b/c", "0123abcd"), "llmcc/v1/a+b+c/claims/0123abcd");
}

TEST(ClaimRecord, RoundTripsAndRejectsGarbage) {
  ClaimRecord c{"fp-12-abcd", "box (fp)", 42};
  auto back = decode_claim(encode_claim(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->owner, "fp-12-abcd");
  EXPECT_EQ(back->host, "box (fp)");
  EXPECT_EQ(back->expires_ms, 42);
  EXPECT_FALSE(decode_claim(""));
  EXPECT_FALSE(decode_claim("garbage"));
  EXPECT_FALSE(decode_claim(R"({"v":2,"owner":"x","expires_ms":1})"));
  EXPECT_FALSE(decode_claim(R"({"v":1,"owner":"","expires_ms":1})"));
  // A hostile holder name cannot drive the terminal that prints it.
  auto odd = decode_claim(R"({"v":1,"owner":"o","host":"a\u001b[2Jb\nc","expires_ms":1})");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->host, "a[2Jbc");
  EXPECT_EQ(decode_claim(R"({"v":1,"owner":"o","host":")" + std::string(300, 'h') + R"(","expires_ms":1})")->host.size(),
            128u);
  EXPECT_FALSE(decode_claim(R"({"v":1,"owner":"x","expires_ms":"soon"})"));
  EXPECT_FALSE(decode_claim(std::string(5000, ' ')));
}

TEST(ClaimBoard, SecondOwnerIsToldWhoHoldsItUntilWhen) {
  Fixture f;
  ClaimBoard a = f.board("A");
  ClaimBoard b = f.board("B");
  EXPECT_TRUE(f.store->atomic_claims());
  ClaimOutcome first = a.claim("tu1");
  EXPECT_EQ(first.state, ClaimState::Claimed);
  EXPECT_EQ(first.holder.expires_ms, 1'060'000);
  ClaimOutcome second = b.claim("tu1");
  ASSERT_EQ(second.state, ClaimState::HeldElsewhere);
  EXPECT_EQ(second.holder.owner, "A");
  EXPECT_EQ(second.holder.host, "host-A");
  EXPECT_EQ(second.holder.expires_ms, 1'060'000);
  // Another TU is free for B.
  EXPECT_EQ(b.claim("tu2").state, ClaimState::Claimed);
  // The same owner claiming again renews its claim.
  f.now += 1000;
  EXPECT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->expires_ms, 1'061'000);
}

TEST(ClaimBoard, ReleasedClaimIsFreeAndOnlyTheOwnerReleases) {
  Fixture f;
  ClaimBoard a = f.board("A");
  ClaimBoard b = f.board("B");
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  // B never held it: its release leaves A's claim alone.
  EXPECT_TRUE(b.release("tu1").ok());
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "A");
  EXPECT_TRUE(a.release("tu1").ok());
  EXPECT_EQ(f.value("tu1"), "");
  EXPECT_EQ(b.claim("tu1").state, ClaimState::Claimed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "B");
}

TEST(ClaimBoard, ExpiredClaimIsTakenOverAndTheOldOwnerCannotDeleteIt) {
  Fixture f;
  ClaimBoard a = f.board("A", 1000);
  ClaimBoard b = f.board("B");
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  f.now += 999;
  EXPECT_EQ(b.claim("tu1").state, ClaimState::HeldElsewhere);
  f.now += 2; // past A's expiry
  EXPECT_EQ(b.claim("tu1").state, ClaimState::Claimed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "B");
  // A finishing late must not remove B's claim.
  EXPECT_TRUE(a.release("tu1").ok());
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "B");
}

TEST(ClaimBoard, GarbageClaimIsTakenOver) {
  Fixture f;
  ASSERT_TRUE(f.store->put(claim_key("a/b/c", "tu1"), "not a claim").ok());
  ClaimBoard b = f.board("B");
  EXPECT_EQ(b.claim("tu1").state, ClaimState::Claimed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "B");
}

TEST(ClaimBoard, ReleaseAllDropsEveryHeldClaim) {
  Fixture f;
  ClaimBoard a = f.board("A");
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  ASSERT_EQ(a.claim("tu2").state, ClaimState::Claimed);
  a.release_all();
  EXPECT_EQ(f.value("tu1"), "");
  EXPECT_EQ(f.value("tu2"), "");
  // Lock and temporary files are never listed as keys.
  EXPECT_TRUE(f.store->list(claims_prefix("a/b/c")).keys.empty());
}

TEST(ClaimBoard, AnUnwritableStoreIsUnavailableNotFatal) {
  TempDir dir;
  std::string ro = dir.path() + "/ro";
  ASSERT_TRUE(fs::make_dirs(ro));
  ASSERT_TRUE(fs::write_file_atomic(ro + "/llmcc", "a file where a directory must be"));
  RemoteSpec spec;
  spec.url = "file:" + ro;
  auto store = open_remote_store(spec);
  ASSERT_TRUE(store);
  ClaimBoard a(**store, "a/b/c", "A", "host-A", 1000, [] { return int64_t{0}; });
  ClaimOutcome o = a.claim("tu1");
  EXPECT_EQ(o.state, ClaimState::Unavailable);
  EXPECT_FALSE(o.message.empty());
}

TEST(FileStoreClaims, ConditionalWritesCompareTheCurrentValue) {
  Fixture f;
  const std::string key = claim_key("a/b/c", "tu1");
  EXPECT_FALSE(f.store->create(key, "one", 1000).body);
  RemoteReply again = f.store->create(key, "two", 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.body.value_or(""), "one");
  RemoteReply wrong = f.store->swap(key, "zzz", "three", 1000);
  EXPECT_EQ(wrong.body.value_or(""), "one");
  EXPECT_FALSE(f.store->swap(key, "one", "three", 1000).body);
  EXPECT_EQ(f.value("tu1"), "three");
  EXPECT_EQ(f.store->remove_if(key, "one").body.value_or(""), "three");
  EXPECT_FALSE(f.store->remove_if(key, "three").body);
  EXPECT_EQ(f.store->get(key).body, std::nullopt);
}
