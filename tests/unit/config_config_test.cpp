#include "config/config.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace llmcc;
using llmcc::testing::TempDir;

TEST(Config, PrecedenceEnvOverProjectOverUserOverDefault) {
  TempDir t;
  std::filesystem::create_directories(t.path() + "/proj/sub");
  std::ofstream(t.path() + "/user.conf") << "lookup = exact\ncapture = false\nllm_model = user-model\n";
  std::ofstream(t.path() + "/proj/.llmcc.conf") << "# project\ncapture = true\nllm_model = project-model\n";
  ::setenv("LLMCC_CONFIG", (t.path() + "/user.conf").c_str(), 1);
  ::setenv("LLMCC_LLM_MODEL", "env-model", 1);
  Config c = Config::load(t.path() + "/proj/sub");
  ::unsetenv("LLMCC_CONFIG");
  ::unsetenv("LLMCC_LLM_MODEL");
  EXPECT_EQ(c.str("llm_model"), "env-model");
  EXPECT_EQ(c.get("llm_model").origin, ConfigOrigin::Environment);
  EXPECT_TRUE(c.flag("capture"));
  EXPECT_EQ(c.get("capture").origin, ConfigOrigin::ProjectFile);
  EXPECT_EQ(c.str("lookup"), "exact");
  EXPECT_EQ(c.get("lookup").origin, ConfigOrigin::UserFile);
  EXPECT_EQ(c.str("allow_unsafe_math"), "false");
  EXPECT_EQ(c.get("allow_unsafe_math").origin, ConfigOrigin::Default);
  EXPECT_EQ(c.project_file(), t.path() + "/proj/.llmcc.conf");
}

TEST(Config, UnknownKeysWarnAndSetRejectsThem) {
  TempDir t;
  std::ofstream(t.path() + "/.llmcc.conf") << "bogus = 1\nno equals sign\n";
  Config c = Config::load(t.path());
  EXPECT_EQ(c.warnings().size(), 2u);
  EXPECT_FALSE(Config::set_in_file(t.path() + "/x.conf", "bogus", "1").ok());
}

TEST(Config, SetAndUnsetKeepOtherLines) {
  TempDir t;
  std::string f = t.path() + "/dir/llmcc.conf";
  ASSERT_TRUE(Config::set_in_file(f, "lookup", "exact").ok());
  ASSERT_TRUE(Config::set_in_file(f, "capture", "false").ok());
  ASSERT_TRUE(Config::set_in_file(f, "lookup", "nearest").ok());
  ASSERT_TRUE(Config::unset_in_file(f, "capture").ok());
  std::ifstream in(f);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "lookup = nearest\n");
  EXPECT_FALSE(Config::set_in_file(f, "lookup", "a\nb").ok());
}

// `config set` refuses a value of the wrong form and leaves the file as it was.
TEST(Config, SetRejectsValuesOfTheWrongForm) {
  TempDir t;
  std::string f = t.path() + "/llmcc.conf";
  ASSERT_TRUE(Config::set_in_file(f, "pgo", "auto").ok());
  Status s = Config::set_in_file(f, "pgo", "maybe");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "pgo = maybe: expected one of auto, on, off");
  s = Config::set_in_file(f, "claim_ttl", "-5");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "claim_ttl = -5: expected a whole number, at least 1");
  EXPECT_FALSE(Config::set_in_file(f, "trial_history", "abc").ok());
  EXPECT_FALSE(Config::set_in_file(f, "trial_history", "").ok());
  EXPECT_FALSE(Config::set_in_file(f, "remote_sync_interval", "5m").ok());
  EXPECT_FALSE(Config::set_in_file(f, "capture", "maybe").ok());
  EXPECT_FALSE(Config::set_in_file(f, "lookup", "fuzzy").ok());
  ASSERT_TRUE(Config::set_in_file(f, "remote_sync_interval", "0").ok());
  ASSERT_TRUE(Config::set_in_file(f, "capture", "FALSE").ok());
  ASSERT_TRUE(Config::set_in_file(f, "remote", "redis://127.0.0.1:6379").ok()); // free-form keys stay free
  std::ifstream in(f);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "pgo = auto\nremote_sync_interval = 0\ncapture = FALSE\nremote = redis://127.0.0.1:6379\n");
}

TEST(Config, CacheDirFollowsXdgAndDbOverride) {
  ::setenv("LLMCC_DIR", "/x/y", 1);
  Config c = Config::load("/");
  EXPECT_EQ(c.db_path(), "/x/y/llmcc.db");
  ::setenv("LLMCC_DB", "/z/other.db", 1);
  EXPECT_EQ(Config::load("/").db_path(), "/z/other.db");
  ::unsetenv("LLMCC_DIR");
  ::unsetenv("LLMCC_DB");
}
