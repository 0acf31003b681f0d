// Claims kept alive by the renewer thread (cache/remote/claim_keeper.h), against
// the file store. The board's clock is the test's, so what the renewer writes is
// exact; the test only waits (boundedly) for the thread to get to it.
#include "cache/remote/claim_keeper.h"
#include "tests/support/file_store.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

using namespace llmcc;
using llmcc::testing::open_file_store;
using llmcc::testing::TempDir;

namespace {

constexpr int64_t kTtl = 600; // the renewer looks every 100 ms

// Whether `done` holds within 20 s (a loaded machine may be slow to run the thread).
bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<RemoteStore> store = open_file_store(dir.path());
  std::atomic<int64_t> now{1'000'000};
  std::unique_ptr<ClaimKeeper> keeper(std::unique_ptr<RemoteStore> renew_store) {
    return std::make_unique<ClaimKeeper>(open_file_store(dir.path()), std::move(renew_store), "a/b/c", "me",
                                         "host-me", kTtl, [this] { return now.load(); });
  }
  std::string value(const std::string& tu) { return store->get(claim_key("a/b/c", tu)).body.value_or(""); }
  int64_t expiry(const std::string& tu) {
    auto c = decode_claim(value(tu));
    return c ? c->expires_ms : 0;
  }
};

} // namespace

TEST(ClaimKeeper, PeriodIsASixthOfTheTtlWithinBounds) {
  EXPECT_EQ(ClaimKeeper::period_for(600).count(), 100);
  EXPECT_EQ(ClaimKeeper::period_for(3'000).count(), 500);
  EXPECT_EQ(ClaimKeeper::period_for(60).count(), 50);
  EXPECT_EQ(ClaimKeeper::period_for(3'600'000).count(), 60'000);
}

TEST(ClaimKeeper, RenewsWhileTheSessionWaitsAndLeavesALostClaimAlone) {
  Fixture f;
  ASSERT_TRUE(f.store);
  auto keeper = f.keeper(open_file_store(f.dir.path()));
  ASSERT_EQ(keeper->claim("tu1").state, ClaimState::Claimed);
  EXPECT_EQ(f.expiry("tu1"), 1'000'600);
  // The session is in a trial and calls nothing: once a third of the ttl has
  // passed, the renewer extends the claim by itself, and again past the first expiry.
  f.now = 1'000'300;
  EXPECT_TRUE(eventually([&] { return f.expiry("tu1") == 1'000'900; })) << f.value("tu1");
  f.now = 1'000'700;
  EXPECT_TRUE(eventually([&] { return f.expiry("tu1") == 1'001'300; })) << f.value("tu1");
  EXPECT_EQ(decode_claim(f.value("tu1"))->owner, "me");
  EXPECT_EQ(keeper->news("tu1").state, RenewState::NotDue);

  // Another session took it over: said once, and never written over.
  const std::string foreign = encode_claim({"other", "host-other", 9'000'000});
  ASSERT_TRUE(f.store->put(claim_key("a/b/c", "tu1"), foreign).ok());
  f.now = 1'001'100;
  RenewOutcome lost;
  EXPECT_TRUE(eventually([&] {
    lost = keeper->news("tu1");
    return lost.state == RenewState::Lost;
  }));
  EXPECT_EQ(lost.holder.owner, "other");
  EXPECT_EQ(lost.holder.host, "host-other");
  EXPECT_EQ(keeper->news("tu1").state, RenewState::NotDue);
  f.now = 1'002'000;
  ASSERT_EQ(keeper->claim("tu2").state, ClaimState::Claimed);
  f.now = 1'002'300;
  EXPECT_TRUE(eventually([&] { return f.expiry("tu2") == 1'002'900; }));
  EXPECT_EQ(f.value("tu1"), foreign);

  // The end of the session releases what it holds, and only that.
  keeper.reset();
  EXPECT_EQ(f.value("tu2"), "");
  EXPECT_EQ(f.value("tu1"), foreign);
}

TEST(ClaimKeeper, AFailingRenewalIsReportedOnceAndNeverCostsTheClaim) {
  Fixture f;
  ASSERT_TRUE(f.store);
  RemoteSpec dead;
  dead.url = "redis://127.0.0.1:1"; // nothing listens: every renewal fails
  auto dead_store = open_remote_store(dead);
  ASSERT_TRUE(dead_store);
  auto keeper = f.keeper(std::move(*dead_store));
  ASSERT_EQ(keeper->claim("tu1").state, ClaimState::Claimed);
  const std::string claimed = f.value("tu1");
  f.now = 1'000'300;
  RenewOutcome failed;
  EXPECT_TRUE(eventually([&] {
    failed = keeper->news("tu1");
    return failed.state == RenewState::Unavailable;
  }));
  EXPECT_NE(failed.message.find("redis://127.0.0.1:1"), std::string::npos) << failed.message;
  f.now = 1'000'700; // more failures: not said again
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(keeper->news("tu1").state, RenewState::NotDue);
  EXPECT_EQ(f.value("tu1"), claimed);
  EXPECT_TRUE(keeper->release("tu1").ok());
  EXPECT_EQ(f.value("tu1"), "");
}
