// Per-host keys, listings and the shared circuit breaker (cache/remote/):
// what the concurrent-push design rests on, without servers.
#include "cache/remote/circuit_breaker.h"
#include "cache/remote/remote_store.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

#include <gtest/gtest.h>

using namespace llmcc;
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
  RemoteSpec spec;
  spec.url = "file:" + dir.path();
  auto store = open_remote_store(spec);
  ASSERT_TRUE(store);
  RemoteReply none = (*store)->list("llmcc/v1/c/hosts/");
  EXPECT_TRUE(none.ok());
  EXPECT_TRUE(none.keys.empty());
  ASSERT_TRUE((*store)->put("llmcc/v1/c/hosts/bbb", "2").ok());
  ASSERT_TRUE((*store)->put("llmcc/v1/c/hosts/aaa", "1").ok());
  ASSERT_TRUE(fs::write_file_atomic(dir.path() + "/llmcc/v1/c/hosts/ccc.tmp.1.ff", "x"));
  ASSERT_TRUE((*store)->put("llmcc/v1/c/hosts/sub/ddd", "3").ok());
  RemoteReply listed = (*store)->list("llmcc/v1/c/hosts/");
  ASSERT_TRUE(listed.ok());
  // "sub" is a directory, not an entry: only regular files one level down, sorted.
  EXPECT_EQ(listed.keys, (std::vector<std::string>{"llmcc/v1/c/hosts/aaa", "llmcc/v1/c/hosts/bbb"}));
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
