#include "tuner/object_size.h"

#include "tests/support/temp_dir.h"
#include "util/fs.h"
#include "util/process.h"

#include <gtest/gtest.h>

#include <string>

using namespace llmcc;
using llmcc::testing::TempDir;

TEST(ObjectCodeSize, GrowsWithFunctionBody) {
  TempDir dir("llmcc-object-size-test-");
  ASSERT_FALSE(dir.path().empty());
  auto compile = [&](const std::string& name, const std::string& body) -> std::string {
    std::string src = dir.path() + "/" + name + ".c";
    std::string obj = dir.path() + "/" + name + ".o";
    EXPECT_TRUE(fs::write_file_atomic(src, body).ok());
    auto r = run_process({.argv = {"cc", "-O1", "-c", src, "-o", obj}, .timeout_sec = 120});
    EXPECT_TRUE(r.ok() && r->success()) << (r.ok() ? r->err : r.error().message);
    return obj;
  };
  std::string small = compile("small", "int f(int x) { return x + 1; }\n");
  std::string big =
      compile("big", "int g(volatile int* p) {\n"
                     "  int s = 0;\n"
                     "  s += p[0] * 3; s ^= p[1]; s += p[2] * 7; s ^= p[3]; s += p[4] * 11;\n"
                     "  s += p[5] * 13; s ^= p[6]; s += p[7] * 17; s ^= p[8]; s += p[9] * 19;\n"
                     "  return s;\n"
                     "}\n"
                     "const char table[256] = {1, 2, 3};\n");
  auto a = object_code_size(small);
  auto b = object_code_size(big);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_GT(*a, 0);
  EXPECT_GT(*b, *a + 256);
}

TEST(ObjectCodeSize, RejectsNonElf) {
  TempDir dir("llmcc-object-size-test-");
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/not-elf.o";
  ASSERT_TRUE(fs::write_file_atomic(path, "this is text, not an object file\n").ok());
  auto reason = [](const std::string& p) {
    auto r = object_code_size(p);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(reason(path), path + ": not an ELF file");
  EXPECT_EQ(reason(dir.path() + "/missing.o"),
            "cannot read " + dir.path() + "/missing.o: No such file or directory");
  // An ELF header with nothing after it must fail cleanly, not read out of bounds.
  ASSERT_TRUE(fs::write_file_atomic(path, std::string("\x7f"
                                                      "ELF\x02\x01\x01",
                                                      7) +
                                              std::string(9, '\0'))
                  .ok());
  EXPECT_EQ(reason(path), path + ": malformed ELF (truncated header)");
}
