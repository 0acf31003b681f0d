// Per-host keys, listings and the shared circuit breaker (cache/remote/):
// what the concurrent-push design rests on, without servers.
#include "cache/remote/circuit_breaker.h"
#include "cache/remote/host_index.h"
#include "cache/remote/remote_store.h"
#include "cache/remote/sync.h"
#include "tests/support/bundle_winners.h"
#include "tests/support/file_store.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::open_file_store;
using llmcc::testing::TempDir;

TEST(RemoteKeys, EachHostHasItsOwnKeyUnderItsClass) {
  EXPECT_EQ(winners_key("x86_64/GenuineIntel/x86-64-v3"), "llmcc/v1/x86_64+GenuineIntel+x86-64-v3/winners");
  EXPECT_EQ(hosts_prefix("x86_64/GenuineIntel/x86-64-v3"), "llmcc/v1/x86_64+GenuineIntel+x86-64-v3/hosts/");
  EXPECT_EQ(host_key("a/b/c", "0123abcd", "00ff00ff00ff00ff"), "llmcc/v1/a+b+c/hosts/0123abcd-00ff00ff00ff00ff");
}

TEST(RemoteKeys, ALongFingerprintIsCutSoTheStoreIdStaysListable) {
  const std::string key = host_key("a/b/c", std::string(80, 'f'), "00ff00ff00ff00ff");
  const std::string name = key.substr(hosts_prefix("a/b/c").size());
  EXPECT_EQ(name, std::string(47, 'f') + "-00ff00ff00ff00ff");
  EXPECT_TRUE(is_plain_key_name(name));
}

TEST(RemoteKeys, OnlyPlainNamesAreListed) {
  EXPECT_TRUE(is_plain_key_name("0123abcd"));
  EXPECT_TRUE(is_plain_key_name("fake_host-1"));
  EXPECT_FALSE(is_plain_key_name(""));
  EXPECT_FALSE(is_plain_key_name(".."));
  EXPECT_FALSE(is_plain_key_name("a/b"));
  EXPECT_FALSE(is_plain_key_name("abc.tmp.123.ff"));
  EXPECT_FALSE(is_plain_key_name(std::string(65, 'a')));
}

TEST(FileStoreList, ListsOneLevelSkippingTemporaryFiles) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto store = open_file_store(dir.path());
  ASSERT_TRUE(store);
  RemoteReply none = store->list("llmcc/v1/c/hosts/");
  EXPECT_TRUE(none.ok());
  EXPECT_TRUE(none.keys.empty());
  ASSERT_TRUE(store->put("llmcc/v1/c/hosts/bbb", "2").ok());
  ASSERT_TRUE(store->put("llmcc/v1/c/hosts/aaa", "1").ok());
  ASSERT_TRUE(fs::write_file_atomic(dir.path() + "/llmcc/v1/c/hosts/ccc.tmp.1.ff", "x"));
  ASSERT_TRUE(store->put("llmcc/v1/c/hosts/sub/ddd", "3").ok());
  RemoteReply listed = store->list("llmcc/v1/c/hosts/");
  ASSERT_TRUE(listed.ok());
  // "sub" is a directory, not an entry: only regular files one level down, sorted.
  EXPECT_EQ(listed.keys, (std::vector<std::string>{"llmcc/v1/c/hosts/aaa", "llmcc/v1/c/hosts/bbb"}));
}

TEST(HostIndex, NamesEachEntryOnceAndReadsBackFullKeys) {
  TempDir dir;
  auto store = open_file_store(dir.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(host_index_key("a/b"), "llmcc/v1/a+b/index");
  RemoteReply none = read_host_index(*store, "a/b");
  EXPECT_TRUE(none.ok());
  EXPECT_TRUE(none.keys.empty());
  ASSERT_TRUE(add_to_host_index(*store, "a/b", "llmcc/v1/a+b/hosts/h2").ok());
  ASSERT_TRUE(add_to_host_index(*store, "a/b", "llmcc/v1/a+b/hosts/h1").ok());
  ASSERT_TRUE(add_to_host_index(*store, "a/b", "llmcc/v1/a+b/hosts/h2").ok());
  RemoteReply got = store->get("llmcc/v1/a+b/index");
  ASSERT_TRUE(got.body);
  EXPECT_EQ(*got.body, R"({"hosts":["h1","h2"],"version":1})");
  RemoteReply read = read_host_index(*store, "a/b");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.keys, (std::vector<std::string>{"llmcc/v1/a+b/hosts/h1", "llmcc/v1/a+b/hosts/h2"}));
  // Only entries of the class's own hosts/ level are ever named.
  EXPECT_FALSE(add_to_host_index(*store, "a/b", "llmcc/v1/other/hosts/h3").ok());
  EXPECT_FALSE(add_to_host_index(*store, "a/b", "llmcc/v1/a+b/hosts/../../x").ok());
}

TEST(HostIndex, HostileOrGarbledIndexesNameNothingOutsideTheClass) {
  TempDir dir;
  auto store = open_file_store(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put("llmcc/v1/c/index", R"({"version":1,"hosts":["ok1","../../etc","a/b","",7,"ok1"]})").ok());
  RemoteReply read = read_host_index(*store, "c");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.keys, (std::vector<std::string>{"llmcc/v1/c/hosts/ok1"}));
  for (const char* body : {"garbage", "[]", R"({"version":2,"hosts":["x"]})", R"({"hosts":"x","version":1})"}) {
    ASSERT_TRUE(store->put("llmcc/v1/c/index", body).ok());
    RemoteReply bad = read_host_index(*store, "c");
    EXPECT_EQ(bad.failure, RemoteFailure::Error) << body;
    EXPECT_NE(bad.message.find("unreadable index llmcc/v1/c/index"), std::string::npos) << bad.message;
    EXPECT_TRUE(bad.keys.empty());
  }
  // A push replaces an unreadable index with one naming its own entry.
  ASSERT_TRUE(add_to_host_index(*store, "c", "llmcc/v1/c/hosts/mine").ok());
  RemoteReply fixed = read_host_index(*store, "c");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.keys, (std::vector<std::string>{"llmcc/v1/c/hosts/mine"}));
}

TEST(CircuitBreaker, OpensWithDoublingBackoffAndClosesOnSuccess) {
  TempDir dir;
  const std::string path = dir.path() + "/breaker.json";
  auto b = CircuitBreaker::load(path);
  EXPECT_FALSE(b.is_open("s", 1000));
  b.record("s", RemoteFailure::Timeout, false, 1000);
  EXPECT_TRUE(b.is_open("s", 1000));
  EXPECT_EQ(b.state("s").open_until, 1000 + CircuitBreaker::kFirstOpenSeconds);
  b.record("s", RemoteFailure::Error, false, 2000);
  EXPECT_EQ(b.state("s").open_until, 2000 + 2 * CircuitBreaker::kFirstOpenSeconds);
  for (int i = 0; i < 20; ++i) {
    b.record("s", RemoteFailure::Error, false, 3000);
  }
  EXPECT_EQ(b.state("s").open_until, 3000 + CircuitBreaker::kMaxOpenSeconds);
  ASSERT_TRUE(b.save());
  // Another process reads the same state.
  auto again = CircuitBreaker::load(path);
  EXPECT_TRUE(again.is_open("s", 3001));
  EXPECT_EQ(again.state("s").failures, 22);
  EXPECT_FALSE(again.is_open("other", 3001));
  again.record("s", RemoteFailure::None, false, 3002);
  EXPECT_FALSE(again.is_open("s", 3002));
  EXPECT_EQ(again.state("s").failures, 0);
}

TEST(CircuitBreaker, RefusedWriteMeansReadOnlyNotDown) {
  TempDir dir;
  auto b = CircuitBreaker::load(dir.path() + "/breaker.json");
  b.record("s", RemoteFailure::Denied, true, 100);
  EXPECT_TRUE(b.is_read_only("s", 100));
  EXPECT_FALSE(b.is_open("s", 100));
  EXPECT_FALSE(b.is_read_only("s", 100 + CircuitBreaker::kReadOnlySeconds));
}

TEST(CircuitBreaker, GarbageFileIsAClosedBreaker) {
  TempDir dir;
  const std::string path = dir.path() + "/breaker.json";
  ASSERT_TRUE(fs::write_file_atomic(path, "{\"stores\": [1, 2"));
  EXPECT_FALSE(CircuitBreaker::load(path).is_open("s", 0));
  ASSERT_TRUE(fs::write_file_atomic(path, "{\"stores\": {\"s\": {\"failures\": \"x\"}}}"));
  EXPECT_FALSE(CircuitBreaker::load(path).is_open("s", 0));
}

namespace {

const std::string kPushClass = "x86_64/GenuineIntel/x86-64-v3";
const std::string kStoreId = "00ff00ff00ff00ff";

// src/<digit>.c's winner with `opt`, as host abc123 of kPushClass holds it.
WinnerRecord pushed_winner(char key_digit, const std::string& opt) {
  WinnerRecord w = llmcc::testing::bundle_winner(fmt::format("src/{}.c", key_digit), key_digit, 1.1);
  w.config.opt_level = opt;
  return w;
}

Bundle local_bundle(const std::vector<WinnerRecord>& winners) { return llmcc::testing::bundle_of(winners); }

// "<source> <opt>" per winner of the entry at `key`, and its compilers' count.
std::vector<std::string> stored(RemoteStore& store, const std::string& key) {
  RemoteReply got = store.get(key);
  if (!got.body) {
    return {"(no entry)"};
  }
  auto decoded = decode_bundle(*got.body, std::nullopt);
  if (!decoded) {
    return {"(unreadable)"};
  }
  std::vector<std::string> out;
  for (const auto& e : decoded->bundle.winners) {
    auto w = WinnerRecord::from_json(e);
    out.push_back(w ? w->source_rel + " " + w->config.opt_level : "(malformed)");
  }
  out.push_back(fmt::format("{} compiler(s)", decoded->bundle.compilers.size()));
  return out;
}

LocalRejection dropped_here(const WinnerRecord& w) {
  return rejection_of(w, 1.0, 0.99, 1.01, "does not hold on this machine", 4, 1000);
}

} // namespace

TEST(RemotePush, WithdrawsFromThisHostsEntryTheWinnersDroppedHere) {
  TempDir dir;
  auto store = open_file_store(dir.path());
  ASSERT_TRUE(store);
  const WinnerRecord a = pushed_winner('a', "-O3");
  const WinnerRecord b = pushed_winner('b', "-O2");
  const std::string ours = host_key(kPushClass, "abc123", kStoreId);
  auto first = push_to_store(*store, local_bundle({a, b}), {}, kStoreId, std::nullopt);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].winners, 2);
  EXPECT_EQ(first[0].withdrawn, 0);
  // Another host's entry serves b too: the record does not reach it.
  const std::string theirs = host_key(kPushClass, "def456", "1111111111111111");
  auto other = encode_bundle(local_bundle({b}), std::nullopt);
  ASSERT_TRUE(other);
  ASSERT_TRUE(store->put(theirs, *other).ok());

  // --reconfirm dropped b here; a is still held.
  auto second = push_to_store(*store, local_bundle({a}), {dropped_here(b)}, kStoreId, std::nullopt);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].failure, RemoteFailure::None);
  EXPECT_EQ(second[0].message, "");
  EXPECT_EQ(second[0].winners, 1);
  EXPECT_EQ(second[0].withdrawn, 1);
  EXPECT_EQ(stored(*store, ours), (std::vector<std::string>{"src/a.c -O3", "1 compiler(s)"}));
  EXPECT_EQ(stored(*store, theirs), (std::vector<std::string>{"src/b.c -O2", "1 compiler(s)"}));
  EXPECT_EQ(remote_counters(second, false), (std::map<std::string, int64_t>{{"remote.push", 1}}));

  // Another config of b, or b on another objective, is not what was dropped.
  WinnerRecord b_o1 = pushed_winner('b', "-O1");
  b_o1.host_fp = "def456";
  WinnerRecord b_instructions = b;
  b_instructions.objective = "instructions";
  auto third = push_to_store(*store, local_bundle({a, b_o1, b_instructions}), {dropped_here(b)}, kStoreId,
                             std::nullopt);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].withdrawn, 0);
  EXPECT_EQ(stored(*store, ours),
            (std::vector<std::string>{"src/a.c -O3", "src/b.c -O1", "src/b.c -O2", "1 compiler(s)"}));
}

TEST(RemotePush, ADatabaseLeftWithOnlyDropRecordsStillWithdrawsThem) {
  TempDir dir;
  auto store = open_file_store(dir.path());
  ASSERT_TRUE(store);
  const WinnerRecord b = pushed_winner('b', "-O2");
  const std::string ours = host_key(kPushClass, "abc123", kStoreId);
  ASSERT_EQ(push_to_store(*store, local_bundle({b}), {}, kStoreId, std::nullopt).at(0).winners, 1);
  // The only winner was dropped: no winner left to push, the entry still serves it.
  auto withdrawn = push_to_store(*store, local_bundle({}), {dropped_here(b)}, kStoreId, std::nullopt);
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0].failure, RemoteFailure::None);
  EXPECT_EQ(withdrawn[0].winners, 0);
  EXPECT_EQ(withdrawn[0].withdrawn, 1);
  // The compiler only b used goes with it.
  EXPECT_EQ(stored(*store, ours), (std::vector<std::string>{"0 compiler(s)"}));
  EXPECT_EQ(remote_counters(withdrawn, false), (std::map<std::string, int64_t>{{"remote.push", 1}}));
  // Nothing left to withdraw: nothing is written, and a class with no entry is not created.
  WinnerRecord elsewhere = b;
  elsewhere.hw_class = "aarch64/ARM/armv8";
  auto again = push_to_store(*store, local_bundle({}), {dropped_here(b), dropped_here(elsewhere)}, kStoreId,
                             std::nullopt);
  ASSERT_EQ(again.size(), 2u);
  for (const auto& o : again) {
    EXPECT_EQ(o.failure, RemoteFailure::None);
    EXPECT_EQ(o.withdrawn, 0);
    EXPECT_EQ(o.message, "nothing to push: no winners of this class, and no winner dropped here is stored");
  }
  EXPECT_EQ(stored(*store, host_key(elsewhere.hw_class, "abc123", kStoreId)),
            (std::vector<std::string>{"(no entry)"}));
  EXPECT_TRUE(remote_counters(again, false).empty());
}
