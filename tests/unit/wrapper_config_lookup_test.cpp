// The lookup decision (trial file, then exact key, then nearest source) and
// the allow-list gate after it, on a real database and the real preprocessor.
#include "cache/local/store.h"
#include "config/config.h"
#include "hwdetect/host.h"
#include "wrapper/config_admission.h"
#include "wrapper/config_lookup.h"
#include "wrapper/trial_file.h"
#include "wrapper/tu_context.h"
#include "wrapper/tu_key.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace llmcc;

namespace {

class ConfigLookup : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/llmcc-lookup-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
    std::filesystem::create_directory(m_dir + "/.git"); // the checkout root
    write("k.c", "int f(int x) { return x * 2; }\n");
    ::setenv("LLMCC_BASE_DIR", m_dir.c_str(), 1);
    ::unsetenv("LLMCC_TRIAL_FILE");
    ::setenv("LLMCC_LOOKUP", "exact", 1);
    auto s = Store::open(m_dir + "/llmcc.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    m_store = std::move(*s);
  }
  void TearDown() override {
    ::unsetenv("LLMCC_BASE_DIR");
    ::unsetenv("LLMCC_TRIAL_FILE");
    ::unsetenv("LLMCC_LOOKUP");
    std::filesystem::remove_all(m_dir);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(m_dir + "/" + name) << text; }
  TuContext context(const std::string& source = "k.c") {
    Config config = Config::load(m_dir);
    TuContext tu = make_tu_context(m_dir, "/usr/bin/gcc",
                                   classify_args({"-O2", "-c", source, "-o", "k.o"}, false, m_dir), config);
    tu.compiler.id = "gcc-test";
    tu.compiler.family = CompilerFamily::Gcc;
    return tu;
  }
  WinnerRecord winner(const std::string& key, const std::string& host, std::vector<std::string> options) {
    WinnerRecord w;
    w.tu_key = key;
    w.source_rel = "k.c";
    w.source_base = "k.c";
    w.compiler_id = "gcc-test";
    w.host_fp = host;
    w.hw_class = hw::detect_host().hw_class();
    w.config.opt_level = "-O3";
    w.config.options = std::move(options);
    w.speedup = 1.2;
    return w;
  }
  Resolution resolve(TuContext& tu) { return resolve_config(m_store.get(), Config::load(m_dir), tu); }

  std::string m_dir;
  std::unique_ptr<Store> m_store;
};

} // namespace

TEST_F(ConfigLookup, ContextIsRelativeToTheCheckoutRoot) {
  TuContext tu = context();
  EXPECT_EQ(tu.source_abs, m_dir + "/k.c");
  EXPECT_EQ(tu.output_abs, m_dir + "/k.o");
  EXPECT_EQ(tu.project_root, m_dir);
  EXPECT_EQ(tu.source_rel, "k.c");
}

TEST_F(ConfigLookup, NoDatabaseMeansNoConfig) {
  TuContext tu = context();
  Resolution r = resolve_config(nullptr, Config::load(m_dir), tu);
  EXPECT_EQ(r.how, Resolution::How::None);
  EXPECT_FALSE(r.config);
  EXPECT_EQ(r.notes, (std::vector<std::string>{"no database: plain compile"}));
}

TEST_F(ConfigLookup, NoWinnerForTheSourceNameCostsNoKey) {
  TuContext tu = context();
  Resolution r = resolve(tu);
  EXPECT_EQ(r.how, Resolution::How::None);
  EXPECT_TRUE(r.tu_key.empty());
  EXPECT_TRUE(tu.host.arch.empty()); // no hardware detection on the miss path
  EXPECT_EQ(r.notes,
            (std::vector<std::string>{"no winner for a source named k.c with this compiler (gcc-test) and hardware"}));
}

TEST_F(ConfigLookup, ExactWinnerThenNearestByRelativeSource) {
  TuContext tu = context();
  tu.host = hw::detect_host();
  auto key = compute_tu_key(tu);
  ASSERT_TRUE(key.ok()) << key.error().message;
  ASSERT_TRUE(m_store->put_winner(winner(*key, tu.host.fingerprint(), {"-funroll-loops"})).ok());
  TuContext fresh = context();
  Resolution r = resolve(fresh);
  EXPECT_EQ(r.how, Resolution::How::Exact);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->display(), "-O3 -funroll-loops");
  EXPECT_EQ(r.tu_key, *key);

  // The code changes: no exact match; with lookup = nearest the same source's winner applies.
  write("k.c", "int f(int x) { return x * 3; }\n");
  TuContext changed = context();
  r = resolve(changed);
  EXPECT_EQ(r.how, Resolution::How::None);
  EXPECT_EQ(r.notes.back(), "lookup = exact: no fallback");
  ::setenv("LLMCC_LOOKUP", "nearest", 1);
  TuContext nearest = context();
  r = resolve(nearest);
  EXPECT_EQ(r.how, Resolution::How::Nearest);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->display(), "-O3 -funroll-loops");
}

TEST_F(ConfigLookup, TrialFileComesFirst) {
  std::string file = m_dir + "/trial.json";
  TuneConfig c;
  c.opt_level = "-O1";
  std::ofstream(file) << trial_file_text({{m_dir + "/k.c", c}, {m_dir + "/other.c", std::nullopt}});
  ::setenv("LLMCC_TRIAL_FILE", file.c_str(), 1);
  TuContext tu = context();
  Resolution r = resolve(tu);
  EXPECT_EQ(r.how, Resolution::How::Trial);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->display(), "-O1");
  std::ifstream seen(trial_seen_path(file));
  std::string text((std::istreambuf_iterator<char>(seen)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, m_dir + "/k.c\n");
  EXPECT_TRUE(trial_seen(text, m_dir + "/k.c"));
  EXPECT_FALSE(trial_seen(text, m_dir + "/other.c"));

  std::ofstream(file) << trial_file_text({{m_dir + "/k.c", std::nullopt}});
  TuContext plain = context();
  r = resolve(plain);
  EXPECT_EQ(r.how, Resolution::How::Baseline);
  EXPECT_FALSE(r.config);

  std::ofstream(file) << "{not json";
  TuContext bad = context();
  r = resolve(bad);
  EXPECT_EQ(r.how, Resolution::How::None);
  EXPECT_EQ(r.notes.front(), "trial file ignored: " + file + " is not a valid trial file");
}

TEST_F(ConfigLookup, AdmissionRefusesForbiddenOptionsAndDropsErrnoMath) {
  TuContext tu = context();
  tu.host = hw::detect_host();
  Resolution r;
  r.how = Resolution::How::Exact;
  r.config = TuneConfig{};
  r.config->opt_level = "-O3";
  r.config->options = {"-fplugin=/tmp/evil.so"};
  auto violations = admit_config(r, tu, SafetyPolicy{});
  EXPECT_EQ(violations.size(), 1u);
  EXPECT_EQ(r.how, Resolution::How::Rejected);
  EXPECT_FALSE(r.config);

  SafetyPolicy policy;
  policy.allow_errno_math = true;
  Resolution ok;
  ok.how = Resolution::How::Exact;
  ok.config = TuneConfig{};
  ok.config->opt_level = "-O3";
  ok.config->options = {"-fno-math-errno"};
  EXPECT_TRUE(admit_config(ok, tu, policy).empty());
  ASSERT_TRUE(ok.config);
  EXPECT_EQ(ok.config->display(), "-O3 -fno-math-errno"); // k.c never mentions errno
  write("k.c", "#include <errno.h>\nint f(int x) { return errno + x; }\n");
  EXPECT_TRUE(admit_config(ok, tu, policy).empty());
  EXPECT_EQ(ok.config->display(), "-O3");
  EXPECT_EQ(ok.notes.back(), "dropped -fno-math-errno: the source mentions errno");
  EXPECT_EQ(ok.how, Resolution::How::Exact);
}

TEST(ResolutionHow, NamesAreTheDatabaseSpellings) {
  EXPECT_EQ(to_string(Resolution::How::None), "none");
  EXPECT_EQ(to_string(Resolution::How::Trial), "trial");
  EXPECT_EQ(to_string(Resolution::How::Baseline), "baseline");
  EXPECT_EQ(to_string(Resolution::How::Exact), "exact");
  EXPECT_EQ(to_string(Resolution::How::Nearest), "nearest");
  EXPECT_EQ(to_string(Resolution::How::Rejected), "rejected");
}
