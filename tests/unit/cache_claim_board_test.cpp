// Host claims (cache/remote/claim_board.h) against the file store: one holder
// at a time, expired and garbage claims taken over, only our own released.
#include "cache/remote/claim_board.h"
#include "cache/remote/remote_store.h"
#include "tests/support/file_store.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  std::unique_ptr<RemoteStore> store;
  int64_t now = 1'000'000;
  Fixture() : store(llmcc::testing::open_file_store(dir.path())) { EXPECT_TRUE(store); }
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
  auto store = llmcc::testing::open_file_store(ro);
  ASSERT_TRUE(store);
  ClaimBoard a(*store, "a/b/c", "A", "host-A", 1000, [] { return int64_t{0}; });
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

TEST(ClaimBoardRenew, ExtendsOurClaimOnceAThirdOfTheTtlHasPassed) {
  Fixture f;
  ClaimBoard a = f.board("A", 3000);
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  const std::string first = f.value("tu1");
  f.now += 1000; // a third, not more: not due, nothing written
  EXPECT_EQ(a.renew("tu1").state, RenewState::NotDue);
  EXPECT_EQ(f.value("tu1"), first);
  f.now += 1;
  RenewOutcome o = a.renew("tu1");
  EXPECT_EQ(o.state, RenewState::Renewed);
  EXPECT_EQ(o.holder.expires_ms, 1'004'001);
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "A");
  EXPECT_EQ(decode_claim(f.value("tu1"))->expires_ms, 1'004'001);
  // The next one is due a third of the ttl after this renewal, not after the claim.
  f.now += 1000;
  EXPECT_EQ(a.renew("tu1").state, RenewState::NotDue);
  f.now += 1;
  EXPECT_EQ(a.renew("tu1").state, RenewState::Renewed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->expires_ms, 1'005'002);
  // Past the first claim's expiry it is still held, so another owner is refused.
  f.now += 1000;
  ASSERT_GT(f.now, 1'003'000);
  EXPECT_EQ(f.board("B").claim("tu1").state, ClaimState::HeldElsewhere);
  // And the renewed value is the one release removes.
  EXPECT_TRUE(a.release("tu1").ok());
  EXPECT_EQ(f.value("tu1"), "");
}

TEST(ClaimBoardRenew, AClaimTakenOverIsLostAndLeftAlone) {
  Fixture f;
  ClaimBoard a = f.board("A", 3000);
  ClaimBoard b = f.board("B", 60'000);
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  f.now += 3001; // A's claim expired before A renewed it
  ASSERT_EQ(b.claim("tu1").state, ClaimState::Claimed);
  const std::string theirs = f.value("tu1");
  RenewOutcome o = a.renew("tu1");
  ASSERT_EQ(o.state, RenewState::Lost);
  EXPECT_EQ(o.holder.owner, "B");
  EXPECT_EQ(o.holder.host, "host-B");
  EXPECT_EQ(o.holder.expires_ms, 1'063'001);
  EXPECT_EQ(f.value("tu1"), theirs);
  // Lost once: no more renewals, and A's release does not touch B's claim.
  f.now += 10'000;
  EXPECT_EQ(a.renew("tu1").state, RenewState::NotDue);
  EXPECT_TRUE(a.release("tu1").ok());
  EXPECT_EQ(f.value("tu1"), theirs);
}

TEST(ClaimBoardRenew, AClaimThatWentAwayOrTurnedToGarbageIsOursAgain) {
  Fixture f;
  ClaimBoard a = f.board("A", 3000);
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  ASSERT_TRUE(f.store->remove(claim_key("a/b/c", "tu1")).ok());
  f.now += 1001;
  EXPECT_EQ(a.renew("tu1").state, RenewState::Renewed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->expires_ms, 1'004'001);
  ASSERT_TRUE(f.store->put(claim_key("a/b/c", "tu1"), "not a claim").ok());
  f.now += 1001;
  EXPECT_EQ(a.renew("tu1").state, RenewState::Renewed);
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "A");
  EXPECT_EQ(decode_claim(f.value("tu1"))->expires_ms, 1'005'002);
}

TEST(ClaimBoardRenew, OnlyClaimsWeHoldAreRenewed) {
  Fixture f;
  ClaimBoard a = f.board("A", 3000);
  ClaimBoard b = f.board("B", 3000);
  ASSERT_EQ(b.claim("tu1").state, ClaimState::Claimed);
  const std::string theirs = f.value("tu1");
  f.now += 2000;
  EXPECT_EQ(a.renew("tu1").state, RenewState::NotDue);
  EXPECT_EQ(a.renew("tu2").state, RenewState::NotDue);
  EXPECT_EQ(f.value("tu1"), theirs);
  EXPECT_EQ(f.value("tu2"), "");
}

TEST(ClaimBoardRenew, AStoreThatFailsIsUnavailableAndTriedAgainLater) {
  TempDir dir;
  auto store = llmcc::testing::open_file_store(dir.path());
  ASSERT_TRUE(store);
  int64_t now = 0;
  ClaimBoard a(*store, "a/b/c", "A", "host-A", 3000, [&] { return now; });
  ASSERT_EQ(a.claim("tu1").state, ClaimState::Claimed);
  // The store breaks: its claims directory becomes a file.
  const std::string claims = dir.path() + "/" + claims_prefix("a/b/c");
  std::filesystem::remove_all(claims);
  ASSERT_TRUE(fs::write_file_atomic(claims.substr(0, claims.size() - 1), "not a directory"));
  now += 1001;
  RenewOutcome o = a.renew("tu1");
  EXPECT_EQ(o.state, RenewState::Unavailable);
  EXPECT_FALSE(o.message.empty());
  // Not retried at once (a dead store costs one attempt a third of the ttl)...
  EXPECT_EQ(a.renew("tu1").state, RenewState::NotDue);
  // ...and when the store is back, the claim is written again.
  std::filesystem::remove(claims.substr(0, claims.size() - 1));
  now += 1001;
  EXPECT_EQ(a.renew("tu1").state, RenewState::Renewed);
  EXPECT_EQ(decode_claim(store->get(claim_key("a/b/c", "tu1")).body.value_or(""))->owner, "A");
}
