// cache gc (cache/local/gc.h): what a compiler no longer installed takes with it.
#include "cache/local/gc.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

CompilerIdentity compiler(const std::string& id) {
  CompilerIdentity c;
  c.id = id;
  c.path = "/opt/" + id + "/bin/gcc";
  c.family = CompilerFamily::Gcc;
  c.version = "12.2.0";
  c.target = "x86_64-linux-gnu";
  c.binary_hash = "00";
  c.version_text = "gcc " + id;
  return c;
}

WinnerRecord winner_of(const std::string& compiler_id, const std::string& rel, const std::string& origin = "local") {
  WinnerRecord w;
  w.tu_key = "key-" + rel;
  w.source_rel = rel;
  w.source_base = rel;
  w.compiler_id = compiler_id;
  w.host_fp = "h";
  w.hw_class = "class-a";
  w.objective = "instructions";
  w.config.opt_level = "-O2";
  w.origin = origin;
  w.created = 100;
  return w;
}

LocalRejection dropped(const std::string& compiler_id, const std::string& rel) {
  return rejection_of(winner_of(compiler_id, rel), 1.0, 1.0, 1.0, "does not hold on this machine", 3, 100);
}

std::vector<std::string> record_sources(Store& store) {
  std::vector<std::string> out;
  for (const auto& r : store.rejections().value_or({})) {
    out.push_back(r.source_rel + " " + r.compiler_id);
  }
  return out;
}

} // namespace

TEST(CacheGc, DropsTheRecordsOfDroppedWinnersWithTheirCompiler) {
  TempDir dir;
  auto opened = Store::open(dir.path() + "/llmcc.db");
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;
  ASSERT_TRUE(store.put_compiler(compiler("gone")));
  ASSERT_TRUE(store.put_compiler(compiler("here")));
  ASSERT_TRUE(store.put_winner(winner_of("gone", "w.c")));
  // A record each for the removed compiler, the installed one, and one never seen here (not judged).
  for (const auto& r : {dropped("gone", "a.c"), dropped("gone", "b.c"), dropped("here", "c.c"),
                        dropped("elsewhere", "d.c")}) {
    ASSERT_TRUE(store.put_rejection(r));
  }
  GcOptions o;
  o.installed = [](const CompilerIdentity& c) { return c.id == "here"; };
  const std::vector<std::string> all = {"a.c gone", "b.c gone", "c.c here", "d.c elsewhere"};

  o.dry_run = true;
  auto dry = collect_garbage(store, o);
  ASSERT_TRUE(dry) << dry.error().message;
  ASSERT_EQ(dry->dropped_rejections.size(), 2u);
  EXPECT_EQ(dry->dropped_rejections[0].source_rel, "a.c");
  EXPECT_EQ(dry->dropped_rejections[1].source_rel, "b.c");
  EXPECT_EQ(dry->dropped_winners.size(), 1u);
  EXPECT_EQ(record_sources(store), all) << "a dry run keeps every record";

  o.dry_run = false;
  auto real = collect_garbage(store, o);
  ASSERT_TRUE(real) << real.error().message;
  EXPECT_EQ(real->dropped_rejections.size(), 2u);
  EXPECT_EQ(record_sources(store), (std::vector<std::string>{"c.c here", "d.c elsewhere"}));
  EXPECT_TRUE(store.winners().value_or({}).empty());

  // Nothing left of the removed compiler: a second gc drops nothing.
  auto again = collect_garbage(store, o);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->dropped_rejections.empty());
  EXPECT_EQ(record_sources(store).size(), 2u);
}
