// Hot-TU attribution: callgrind's per-process outputs, the program's own
// objects only (a benchmark script's shell never counts).
#include "tuner/profile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace llmcc;

namespace {

// A callgrind output as the tool writes it: compressed names, a call whose
// inclusive cost must not count as self cost.
const char* kProgram = R"(# callgrind format
version: 1
cmd: /work/prog -3 in
events: Ir
ob=(1) /work/prog
fl=(1) hot.c
fn=(1) hot_loop
1 800
cob=(2) /lib/libc.so.6
cfi=(2) ???
cfn=(2) memcpy
calls=1 0
1 100
fn=(3) main
2 100
ob=(2)
fl=(2)
fn=(2)
0 100
)";

const char* kShell = R"(version: 1
cmd: sh -c prog -3 in
events: Ir
ob=(1) /usr/bin/dash
fl=(1) ???
fn=(1) main
0 5000
)";

struct Objects {
  std::string dir;
  Objects() {
    char tmpl[] = "/tmp/llmcc-profile-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir + "/hot.c") << "void hot_loop(void) {}\n";
    std::ofstream(dir + "/main.c") << "int main(void) { return 0; }\n";
    for (const char* tu : {"hot", "main"}) {
      std::string cmd = "cc -c " + dir + "/" + tu + ".c -o " + dir + "/" + tu + ".o";
      EXPECT_EQ(std::system(cmd.c_str()), 0);
    }
  }
  ~Objects() { std::filesystem::remove_all(dir); }
};

} // namespace

TEST(Profile, ParsesSelfCostPerObjectAndFunction) {
  auto p = parse_callgrind(kProgram);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->cmd, "/work/prog -3 in");
  EXPECT_EQ(p->total, 1000);
  EXPECT_EQ((p->self.at({"/work/prog", "hot_loop"})), 800);
  EXPECT_EQ((p->self.at({"/work/prog", "main"})), 100);
  EXPECT_EQ((p->self.at({"/lib/libc.so.6", "memcpy"})), 100);
  EXPECT_EQ(p->self.size(), 3u);
  auto fns = parse_callgrind_functions(kProgram);
  ASSERT_TRUE(fns.ok());
  EXPECT_EQ(fns->at("hot_loop"), 800);
  EXPECT_EQ(parse_callgrind("not a profile").error().message, "not a callgrind output file");
}

TEST(Profile, CountsOnlyTheProgramsProcessesAndObjects) {
  Objects o;
  auto program = parse_callgrind(kProgram);
  auto shell = parse_callgrind(kShell);
  ASSERT_TRUE(program.ok() && shell.ok());
  auto r = attribute_profile({*shell, *program}, {o.dir + "/main.o", o.dir + "/hot.o"}, {"/work/prog"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  // The shell's 5000 instructions (and its own `main`) are not the program's.
  EXPECT_EQ(r->total, 1000);
  ASSERT_EQ(r->tus.size(), 2u);
  EXPECT_EQ(r->tus[0].object, o.dir + "/hot.o");
  EXPECT_DOUBLE_EQ(r->tus[0].share, 0.8);
  EXPECT_EQ(r->tus[1].object, o.dir + "/main.o");
  EXPECT_DOUBLE_EQ(r->tus[1].share, 0.1);
  EXPECT_EQ(r->outside, 100); // memcpy in libc
  EXPECT_EQ(r->top_functions, (std::vector<std::string>{"hot_loop", "main"}));
}

TEST(Profile, RecordsEachFunctionsCostInItsObjectAndItsShare) {
  Objects o;
  auto program = parse_callgrind(kProgram);
  ASSERT_TRUE(program.ok());
  auto r = attribute_profile({*program}, {o.dir + "/main.o", o.dir + "/hot.o"}, {"/work/prog"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tus.size(), 2u);
  EXPECT_EQ(r->tus[0].functions, (std::map<std::string, double>{{"hot_loop", 800}}));
  EXPECT_EQ(r->tus[1].functions, (std::map<std::string, double>{{"main", 100}}));
  TuCost two{"x.o", 400, 0.4, {{"a", 300}, {"b", 100}, {"never", 0}}};
  EXPECT_EQ(function_shares(two), (std::map<std::string, double>{{"a", 0.75}, {"b", 0.25}}));
  EXPECT_TRUE(function_shares(TuCost{"y.o", 0, 0, {{"never", 0}}}).empty());
  // gcc's clones of `a` are `a` to the extractors, which run before they exist.
  TuCost clones{"z.o", 400, 0.4, {{"a", 100}, {"a.part.0", 100}, {"a.cold", 100}, {"b.constprop.0", 100}}};
  EXPECT_EQ(function_shares(clones), (std::map<std::string, double>{{"a", 0.75}, {"b", 0.25}}));
}

TEST(Profile, FailsWhenNoProcessRanTheProgram) {
  Objects o;
  auto shell = parse_callgrind(kShell);
  ASSERT_TRUE(shell.ok());
  auto r = attribute_profile({*shell}, {o.dir + "/main.o"}, {"/work/prog"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "no process of the benchmark ran the program");
}
