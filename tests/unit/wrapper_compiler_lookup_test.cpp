#include "wrapper/compiler_lookup.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "config/config.h"
#include "wrapper/invocation.h"

using namespace llmcc;

namespace {

struct Parsed {
  CompilerFamily family;
  std::string version;
};

Parsed parse(const std::string& text) {
  Parsed p{CompilerFamily::Unknown, ""};
  parse_version_text(text, p.family, p.version);
  return p;
}

void expect_parsed(const std::string& text, CompilerFamily family, const std::string& version) {
  SCOPED_TRACE(text);
  Parsed p = parse(text);
  EXPECT_EQ(p.family, family);
  EXPECT_EQ(p.version, version);
}

// A private directory of fake compilers, with PATH, LLMCC_CC/LLMCC_CXX and the
// user configuration pointed at it for the test's duration.
class LookupTest : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* name : {"PATH", "LLMCC_CC", "LLMCC_CXX", "LLMCC_CONFIG", "XDG_CONFIG_HOME"}) {
      const char* v = std::getenv(name);
      m_saved[name] = v ? std::optional<std::string>(v) : std::nullopt;
      ::unsetenv(name);
    }
    char tmpl[] = "/tmp/llmcc-lookup-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
    ::setenv("XDG_CONFIG_HOME", (m_dir + "/config").c_str(), 1);
    ::setenv("PATH", (m_dir + "/bin").c_str(), 1);
    std::filesystem::create_directories(m_dir + "/bin");
  }
  void TearDown() override {
    for (const auto& [name, value] : m_saved) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
    std::filesystem::remove_all(m_dir);
  }
  std::string make_program(const std::string& rel) {
    std::string path = m_dir + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << "#!/bin/sh\n";
    ::chmod(path.c_str(), 0755);
    return path;
  }
  Config config() const { return Config::load(m_dir); }
  static Invocation masquerade(const std::string& invoked_as, bool is_cxx) {
    Invocation inv;
    inv.invoked_as = invoked_as;
    inv.is_cxx = is_cxx;
    return inv;
  }
  static Invocation launcher(const std::string& word) {
    Invocation inv;
    inv.invoked_as = "llmcc";
    inv.launcher = true;
    inv.compiler = word;
    return inv;
  }

  std::string m_dir;
  std::map<std::string, std::optional<std::string>> m_saved;
};

} // namespace

TEST(CompilerVersion, GccFamilyAndFullVersion) {
  expect_parsed("gcc (Debian 12.2.0-14+deb12u1) 12.2.0\n"
                "Copyright (C) 2022 Free Software Foundation, Inc.\n",
                CompilerFamily::Gcc, "12.2.0");
  expect_parsed("cc (Debian 12.2.0-14+deb12u1) 12.2.0\n"
                "Copyright (C) 2022 Free Software Foundation, Inc.\n",
                CompilerFamily::Gcc, "12.2.0");
  expect_parsed("gcc (GCC) 13.2.1 20231011 (Red Hat 13.2.1-4)\n", CompilerFamily::Gcc, "13.2.1");
  // No copyright line: the driver name says it.
  expect_parsed("g++-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0", CompilerFamily::Gcc, "12.3.0");
  expect_parsed("gcc (GCC) 4.8\n", CompilerFamily::Gcc, "4.8");
}

TEST(CompilerVersion, ClangVersionIsTakenAfterClangVersion) {
  expect_parsed("Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\nThread model: posix\n"
                "InstalledDir: /usr/bin\n",
                CompilerFamily::Clang, "14.0.6");
  // The vendor's own number comes first on the line; clang's is the one kept.
  expect_parsed("Apple clang version 15.0.0 (clang-1500.1.0.2.5)\nTarget: arm64-apple-darwin23.2.0\n",
                CompilerFamily::Clang, "15.0.0");
  expect_parsed("Ubuntu clang version 18.1.3 (1ubuntu1)\n", CompilerFamily::Clang, "18.1.3");
  expect_parsed("AMD clang version 16.0.3 (CLANG: AOCC_4.1.0-Build#270 2023_07_10)\n", CompilerFamily::Clang, "16.0.3");
}

TEST(CompilerVersion, ClangVersionOnALaterLineUsesTheFirstLine) {
  expect_parsed("emcc (Emscripten gcc/clang-like replacement) 3.1.6 (1a2b3c)\nclang version 15.0.0\n",
                CompilerFamily::Clang, "3.1.6");
}

TEST(CompilerVersion, UnknownCompilersKeepTheirNumber) {
  expect_parsed("Intel(R) oneAPI DPC++/C++ Compiler 2024.0.0 (2024.0.0.20231017)\n"
                "Target: x86_64-unknown-linux-gnu\n",
                CompilerFamily::Unknown, "2024.0.0");
  expect_parsed("", CompilerFamily::Unknown, "");
  // No number at all leaves the previous value alone.
  CompilerFamily family = CompilerFamily::Gcc;
  std::string version = "1.2";
  parse_version_text("some compiler\n", family, version);
  EXPECT_EQ(family, CompilerFamily::Unknown);
  EXPECT_EQ(version, "1.2");
}

TEST(CompilerWords, LooksLikeCompiler) {
  for (const char* w :
       {"cc", "c++", "gcc", "g++", "clang", "clang++", "icc", "icpc", "icx", "icpx", "gcc-12",
        "clang++-14", "x86_64-linux-gnu-gcc-12", "arm-none-eabi-g++", "/usr/bin/gcc"}) {
    EXPECT_TRUE(looks_like_compiler(w)) << w;
  }
  for (const char* w : {"", "-c", "-O2", "@args.rsp", "x.c", "main.cpp", "stats", "gcc.c", "mygcc",
                        "/no/such/compiler-driver"}) {
    EXPECT_FALSE(looks_like_compiler(w)) << w;
  }
}

TEST_F(LookupTest, LauncherWordByPathIsTakenAsGiven) {
  auto r = resolve_real_compiler(launcher("/opt/cross/bin/aarch64-gcc"), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "/opt/cross/bin/aarch64-gcc");
}

TEST_F(LookupTest, LauncherBareWordIsLookedUpInPath) {
  std::string gcc = make_program("bin/gcc");
  auto r = resolve_real_compiler(launcher("gcc"), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, gcc);
  auto missing = resolve_real_compiler(launcher("clang"), config());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "compiler 'clang' not found in PATH");
}

TEST_F(LookupTest, MasqueradeTakesTheFirstCompilerInPath) {
  std::string gcc = make_program("bin/gcc");
  std::string clang = make_program("bin/clang");
  auto r = resolve_real_compiler(masquerade("llmcc", false), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, gcc); // cc is missing; gcc comes before clang
  std::string cc = make_program("bin/cc");
  EXPECT_EQ(*resolve_real_compiler(masquerade("llmcc", false), config()), cc);

  auto cxx = resolve_real_compiler(masquerade("llmcc++", true), config());
  ASSERT_FALSE(cxx);
  EXPECT_EQ(cxx.error().message,
            "no real C++ compiler found in PATH (looked for c++, g++, clang++); set LLMCC_CXX");
  std::string clangxx = make_program("bin/clang++");
  EXPECT_EQ(*resolve_real_compiler(masquerade("llmcc++", true), config()), clangxx);
}

TEST_F(LookupTest, MasqueradeSkipsLlmccInPath) {
  // An earlier PATH entry whose cc is llmcc (a symlink to it) is not the real compiler.
  std::string self = make_program("llmcc-fake");
  std::filesystem::create_directories(m_dir + "/wrapped");
  std::filesystem::create_symlink(self, m_dir + "/wrapped/cc");
  std::string real = make_program("bin/cc");
  ::setenv("PATH", (m_dir + "/wrapped:" + m_dir + "/bin").c_str(), 1);
  auto r = resolve_real_compiler(masquerade("llmcc", false), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, real);
}

TEST_F(LookupTest, CompilerNamedSymlinkLooksUpItsOwnName) {
  std::string gcc12 = make_program("bin/gcc-12");
  make_program("bin/cc");
  auto r = resolve_real_compiler(masquerade("gcc-12", false), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, gcc12);
  auto missing = resolve_real_compiler(masquerade("clang-17", false), config());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "no real C compiler found in PATH (looked for clang-17); set LLMCC_CC");
}

TEST_F(LookupTest, ConfiguredCompilerWins) {
  make_program("bin/cc");
  std::string clang = make_program("bin/clang");
  ::setenv("LLMCC_CC", "clang", 1);
  auto r = resolve_real_compiler(masquerade("llmcc", false), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, clang);

  std::string by_path = make_program("tools/my-cc");
  ::setenv("LLMCC_CC", by_path.c_str(), 1);
  EXPECT_EQ(*resolve_real_compiler(masquerade("llmcc", false), config()), by_path);

  ::setenv("LLMCC_CXX", "no-such-c++", 1);
  auto missing = resolve_real_compiler(masquerade("llmcc++", true), config());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "the compiler 'no-such-c++' set by cxx (LLMCC_CXX) was not found");

  std::string loop = make_program("tools/llmcc-copy");
  ::setenv("LLMCC_CXX", loop.c_str(), 1);
  auto self = resolve_real_compiler(masquerade("llmcc++", true), config());
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().message,
            "cxx (LLMCC_CXX) points back at llmcc itself; set it to the real compiler");
}

TEST_F(LookupTest, LauncherIgnoresTheConfiguredCompiler) {
  std::string gcc = make_program("bin/gcc");
  ::setenv("LLMCC_CC", "no-such-cc", 1);
  auto r = resolve_real_compiler(launcher("gcc"), config());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, gcc);
}
