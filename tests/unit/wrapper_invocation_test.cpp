#include "wrapper/invocation.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace llmcc;

namespace {

Invocation parse(std::vector<std::string> argv) {
  std::vector<const char*> raw;
  for (const auto& a : argv) {
    raw.push_back(a.c_str());
  }
  return parse_invocation(static_cast<int>(raw.size()), raw.data());
}

using Args = std::vector<std::string>;

} // namespace

TEST(Invocation, ToolSubcommandsAreExactlyLlmccToolsOnes) {
  std::vector<std::string> names(tool_subcommands().begin(), tool_subcommands().end());
  EXPECT_EQ(names, (Args{"hw", "stats", "show", "config", "winners", "tune", "explain",
                         "forget", "report", "cmake-import", "cache", "help", "version", "features", "similar"}));
}

TEST(Invocation, EverySubcommandSelectsTheTool) {
  for (std::string_view name : tool_subcommands()) {
    Invocation inv = parse({"llmcc", std::string(name), "--json"});
    EXPECT_EQ(inv.mode, Invocation::Mode::Tool) << name;
    EXPECT_EQ(inv.args, (Args{std::string(name), "--json"})) << name;
    EXPECT_FALSE(inv.launcher) << name;
  }
  EXPECT_TRUE(is_tool_command("-h"));
  EXPECT_TRUE(is_tool_command("--help"));
  EXPECT_EQ(parse({"llmcc", "--help"}).mode, Invocation::Mode::Tool);
  EXPECT_EQ(parse({"llmcc++", "-h"}).mode, Invocation::Mode::Tool);
}

TEST(Invocation, NoArgumentsShowsTheTool) {
  Invocation inv = parse({"/usr/local/bin/llmcc"});
  EXPECT_EQ(inv.mode, Invocation::Mode::Tool);
  EXPECT_EQ(inv.invoked_as, "llmcc");
  EXPECT_TRUE(inv.args.empty());
}

TEST(Invocation, WordsThatAreNotSubcommandsGoToTheCompiler) {
  for (const char* word :
       {"export", "import", "remote", "sessions", "zero-stats", "doctor", "feature", "db"}) {
    EXPECT_FALSE(is_tool_command(word)) << word;
    Invocation inv = parse({"llmcc", word});
    EXPECT_EQ(inv.mode, Invocation::Mode::Compiler) << word;
    EXPECT_EQ(inv.args, (Args{word})) << word;
  }
}

TEST(Invocation, IdentificationProbesGoToTheCompiler) {
  for (const char* probe :
       {"--version", "-v", "-V", "-dumpversion", "-dumpfullversion", "-dumpmachine",
        "-print-search-dirs", "-print-prog-name=ld", "--print-file-name=libc.so"}) {
    for (const char* name : {"llmcc", "llmcc++"}) {
      Invocation inv = parse({name, probe});
      EXPECT_EQ(inv.mode, Invocation::Mode::Compiler) << name << " " << probe;
      EXPECT_FALSE(inv.launcher) << name << " " << probe;
      EXPECT_EQ(inv.args, (Args{probe})) << name << " " << probe;
    }
  }
}

TEST(Invocation, MasqueradeAsCAndCxx) {
  Invocation c = parse({"llmcc", "-O2", "-c", "x.c", "-o", "x.o"});
  EXPECT_EQ(c.mode, Invocation::Mode::Compiler);
  EXPECT_EQ(c.invoked_as, "llmcc");
  EXPECT_FALSE(c.is_cxx);
  EXPECT_FALSE(c.launcher);
  EXPECT_EQ(c.compiler, "");
  EXPECT_EQ(c.args, (Args{"-O2", "-c", "x.c", "-o", "x.o"}));

  Invocation cxx = parse({"/opt/llmcc/bin/llmcc++", "-c", "x.cc"});
  EXPECT_EQ(cxx.invoked_as, "llmcc++");
  EXPECT_TRUE(cxx.is_cxx);
  EXPECT_FALSE(cxx.launcher);
  EXPECT_EQ(cxx.args, (Args{"-c", "x.cc"}));

  EXPECT_TRUE(parse({"llmcc-cxx", "-c", "x.cc"}).is_cxx);
  // A source file first is a compile, not a launcher word.
  Invocation src = parse({"llmcc", "x.c", "-o", "x"});
  EXPECT_FALSE(src.launcher);
  EXPECT_EQ(src.args, (Args{"x.c", "-o", "x"}));
}

TEST(Invocation, LauncherTakesTheCompilerWord) {
  Invocation inv = parse({"llmcc", "g++", "-O2", "-c", "x.cc"});
  EXPECT_EQ(inv.mode, Invocation::Mode::Compiler);
  EXPECT_TRUE(inv.launcher);
  EXPECT_EQ(inv.compiler, "g++");
  EXPECT_TRUE(inv.is_cxx);
  EXPECT_EQ(inv.args, (Args{"-O2", "-c", "x.cc"}));

  Invocation gcc = parse({"llmcc", "gcc", "--version"});
  EXPECT_TRUE(gcc.launcher);
  EXPECT_EQ(gcc.compiler, "gcc");
  EXPECT_FALSE(gcc.is_cxx);
  EXPECT_EQ(gcc.args, (Args{"--version"}));

  // The compiler word decides the language, not llmcc's own name.
  Invocation cc_from_cxx = parse({"llmcc++", "clang", "-c", "x.c"});
  EXPECT_TRUE(cc_from_cxx.launcher);
  EXPECT_FALSE(cc_from_cxx.is_cxx);

  for (const char* word :
       {"c++", "clang++", "/usr/bin/clang++-14", "x86_64-linux-gnu-g++-12", "icpc", "icpx"}) {
    Invocation w = parse({"llmcc", word, "-c", "x.cc"});
    EXPECT_TRUE(w.launcher) << word;
    EXPECT_EQ(w.compiler, word);
    EXPECT_TRUE(w.is_cxx) << word;
  }
  for (const char* word : {"cc", "clang-14", "aarch64-linux-gnu-gcc", "icx"}) {
    Invocation w = parse({"llmcc", word, "-c", "x.c"});
    EXPECT_TRUE(w.launcher) << word;
    EXPECT_FALSE(w.is_cxx) << word;
  }
}

TEST(Invocation, LauncherAcceptsAnyExecutableGivenByPath) {
  char tmpl[] = "/tmp/llmcc-invocation-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string tool = dir + "/my-distcc";
  std::ofstream(tool) << "#!/bin/sh\n";
  ::chmod(tool.c_str(), 0755);
  std::string data = dir + "/notes.txt";
  std::ofstream(data) << "text\n";

  Invocation inv = parse({"llmcc", tool, "-c", "x.c"});
  EXPECT_TRUE(inv.launcher);
  EXPECT_EQ(inv.compiler, tool);
  EXPECT_EQ(inv.args, (Args{"-c", "x.c"}));
  // Not executable: an input file, not a compiler.
  Invocation file = parse({"llmcc", data, "-c"});
  EXPECT_FALSE(file.launcher);
  EXPECT_EQ(file.args, (Args{data, "-c"}));
  std::filesystem::remove_all(dir);
}

TEST(Invocation, ACompilerNamedSymlinkIsAlwaysACompile) {
  // ccache-style symlink `gcc -> llmcc`: no word selects the tool or a launcher.
  Invocation stats = parse({"/usr/lib/llmcc/gcc", "stats"});
  EXPECT_EQ(stats.mode, Invocation::Mode::Compiler);
  EXPECT_EQ(stats.invoked_as, "gcc");
  EXPECT_FALSE(stats.launcher);
  EXPECT_EQ(stats.args, (Args{"stats"}));

  Invocation gxx = parse({"g++", "clang", "-c", "x.cc"});
  EXPECT_FALSE(gxx.launcher);
  EXPECT_TRUE(gxx.is_cxx);
  EXPECT_EQ(gxx.args, (Args{"clang", "-c", "x.cc"}));

  Invocation none = parse({"gcc"});
  EXPECT_EQ(none.mode, Invocation::Mode::Compiler);
  EXPECT_TRUE(none.args.empty());
}
