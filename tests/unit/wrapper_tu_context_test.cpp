// The checkout root a TU's key and relative path are taken from, when the
// checkout has no marker (.git, .llmcc.conf) but its build maps its directory
// out of the outputs, as a Debian package build does.
#include "config/config.h"
#include "hwdetect/host.h"
#include "wrapper/tu_context.h"
#include "wrapper/tu_key.h"

#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace llmcc;
using llmcc::testing::TempDir;

namespace {

class TuContextRoot : public ::testing::Test {
protected:
  void SetUp() override { ::unsetenv("LLMCC_BASE_DIR"); }

  // A checkout of one package at `dir` (no .git): lib/k.c.
  static void checkout(const std::string& dir) {
    std::filesystem::create_directories(dir + "/lib");
    std::ofstream(dir + "/lib/k.c") << "const char* where(void) { return __FILE__; }\n";
  }

  static TuContext context(const std::string& dir, std::vector<std::string> flags) {
    flags.insert(flags.end(), {"-c", "lib/k.c", "-o", "lib/k.o"});
    TuContext tu = make_tu_context(dir, "/usr/bin/gcc", classify_args(flags, false, dir), Config::load(dir));
    tu.compiler.id = "gcc-test";
    tu.compiler.family = CompilerFamily::Gcc;
    return tu;
  }
};

} // namespace

TEST_F(TuContextRoot, PrefixMapsNameTheDirectoriesTheyMapAway) {
  EXPECT_EQ(prefix_map_roots({"-O2", "-ffile-prefix-map=/nonexistent/pkg=.", "-fdebug-prefix-map=sub=x",
                              "-fmacro-prefix-map=/=/", "-ffile-prefix-map=.=.", "-fprofile-prefix-path=/p",
                              "-I/inc"},
                             "/nonexistent/build"),
            (std::vector<std::string>{"/nonexistent/pkg", "/nonexistent/build/sub"}));
  EXPECT_TRUE(prefix_map_roots({"-O2", "-c", "k.c"}, "/w").empty());
}

TEST_F(TuContextRoot, TwoCheckoutsThatMapTheirDirectoryGetOneKey) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const std::string one = tmp.path() + "/alice/pkg-1.0", two = tmp.path() + "/bob/src/pkg-1.0";
  checkout(one);
  checkout(two);
  TuContext a = context(one, {"-O2", "-ffile-prefix-map=" + one + "=."});
  TuContext b = context(two, {"-O2", "-ffile-prefix-map=" + two + "=."});
  EXPECT_EQ(a.project_root, one);
  EXPECT_EQ(a.source_rel, "lib/k.c");
  EXPECT_EQ(b.source_rel, "lib/k.c");
  if (!std::filesystem::exists("/usr/bin/gcc")) {
    GTEST_SKIP() << "gcc is needed for the key";
  }
  auto ka = compute_tu_key(a), kb = compute_tu_key(b);
  ASSERT_TRUE(ka.ok()) << ka.error().message;
  ASSERT_TRUE(kb.ok()) << kb.error().message;
  EXPECT_EQ(*ka, *kb);

  // Without the map, each checkout is its own: the source's directory is the
  // root and __FILE__ names the checkout.
  TuContext plain = context(one, {"-O2"});
  EXPECT_EQ(plain.project_root, one + "/lib");
  EXPECT_EQ(plain.source_rel, "k.c");
}

TEST_F(TuContextRoot, AMarkerStillWinsOverAPrefixMap) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const std::string dir = tmp.path() + "/pkg";
  checkout(dir);
  std::ofstream(dir + "/lib/.llmcc.conf") << "";
  TuContext tu = context(dir, {"-O2", "-ffile-prefix-map=" + dir + "=."});
  EXPECT_EQ(tu.project_root, dir + "/lib");
  EXPECT_EQ(tu.source_rel, "k.c");
}
