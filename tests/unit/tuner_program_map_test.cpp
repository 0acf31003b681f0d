#include "tuner/program_map.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace llmcc;

namespace {

using Names = std::vector<std::string>;

// Real archives made by the system's gcc and ar in a private directory.
class ArchiveMembers : public ::testing::Test {
protected:
  void SetUp() override {
    if (std::system("command -v gcc >/dev/null 2>&1 && command -v ar >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "gcc and ar are needed";
    }
    char tmpl[] = "/tmp/llmcc-archive-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!m_dir.empty()) {
      std::filesystem::remove_all(m_dir);
    }
  }
  // Runs `command` in the test directory; fails the test when it fails.
  void sh(const std::string& command) {
    std::string full = "cd '" + m_dir + "' && " + command + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(full.c_str()), 0) << command;
  }
  void object(const std::string& name) {
    std::ofstream(m_dir + "/" + name + ".c")
        << "int f_" << std::filesystem::path(name).stem().string() << "(void) { return 1; }\n";
    sh("gcc -c " + name + ".c -o " + name);
  }
  std::string path(const std::string& rel) const { return m_dir + "/" + rel; }

  std::string m_dir;
};

} // namespace

TEST_F(ArchiveMembers, ShortNamesInArchiveOrder) {
  object("poly.o");
  object("checksum.o");
  object("a.o");
  sh("ar rcs libmath.a poly.o checksum.o a.o");
  auto members = archive_members(path("libmath.a"));
  ASSERT_TRUE(members) << members.error().message;
  // The symbol table (`/`) written by `s` is not a member.
  EXPECT_EQ(*members, (Names{"poly.o", "checksum.o", "a.o"}));
}

TEST_F(ArchiveMembers, LongNamesComeFromTheNameTable) {
  object("short.o");
  object("a_rather_long_member_name.o");
  object("exactly16chars.o");
  object("another_long_object_file.o");
  sh("ar rcs liblong.a short.o a_rather_long_member_name.o exactly16chars.o "
     "another_long_object_file.o");
  auto members = archive_members(path("liblong.a"));
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ(*members, (Names{"short.o", "a_rather_long_member_name.o", "exactly16chars.o",
                             "another_long_object_file.o"}));
}

TEST_F(ArchiveMembers, OddSizedMembersAndNoSymbolTable) {
  // Odd-sized members are padded to an even offset; the next header follows the pad.
  std::ofstream(path("notes.txt")) << "abcde";
  object("x.o");
  std::ofstream(path("odd.txt")) << "xyz";
  sh("ar rcS plain.a notes.txt x.o odd.txt");
  auto members = archive_members(path("plain.a"));
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ(*members, (Names{"notes.txt", "x.o", "odd.txt"}));
}

TEST_F(ArchiveMembers, SameNameTwiceIsListedTwice) {
  object("dup.o");
  sh("ar qc twice.a dup.o && ar qc twice.a dup.o");
  auto members = archive_members(path("twice.a"));
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ(*members, (Names{"dup.o", "dup.o"}));
}

TEST_F(ArchiveMembers, EmptyArchive) {
  std::ofstream(path("empty.a")) << "!<arch>\n";
  auto members = archive_members(path("empty.a"));
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ(*members, Names{});
}

TEST_F(ArchiveMembers, NotAnArchive) {
  object("y.o");
  auto obj = archive_members(path("y.o"));
  ASSERT_FALSE(obj);
  EXPECT_EQ(obj.error().message, path("y.o") + " is not an ar archive");

  // A thin archive holds no members of its own.
  sh("ar rcT thin.a y.o");
  auto thin = archive_members(path("thin.a"));
  ASSERT_FALSE(thin);
  EXPECT_EQ(thin.error().message, path("thin.a") + " is not an ar archive");

  auto missing = archive_members(path("missing.a"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "cannot read " + path("missing.a") + ": No such file or directory");
}

// The member's bytes are the object's: how a source built twice (a static and a
// shared library of the same files) is told apart by what the archive holds.
TEST_F(ArchiveMembers, MemberDataIsTheObjectsBytes) {
  object("poly.o");
  object("checksum.o");
  sh("ar rcs libmath.a poly.o checksum.o");
  auto members = read_archive(path("libmath.a"));
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 2u);
  std::ifstream poly(path("poly.o"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(poly)), std::istreambuf_iterator<char>());
  EXPECT_EQ((*members)[0].name, "poly.o");
  EXPECT_EQ((*members)[0].data, bytes);
  EXPECT_NE((*members)[1].data, bytes);
}
