#include "wrapper/args.h"
#include "wrapper/tu_key.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace llmcc;

namespace {
ClassifiedArgs classify(std::vector<std::string> args, bool cxx = false) {
  return classify_args(args, cxx, "/tmp");
}
} // namespace

TEST(ArgsClassify, SingleSourceCompileIsTunable) {
  auto r = classify({"-O2", "-g", "-DX=1", "-Iinc", "-MD", "-MF", "x.o.d", "-MT", "x.o", "-fPIC", "-c", "src/x.c",
                     "-o", "x.o"});
  ASSERT_EQ(r.kind, CommandKind::Compile) << r.reason << " " << r.detail;
  EXPECT_EQ(r.source, "src/x.c");
  EXPECT_EQ(r.output, "x.o");
  EXPECT_EQ(r.language, "c");
}

TEST(ArgsClassify, CxxSourcesAndDefaultOutput) {
  auto r = classify({"-c", "dir/foo.cpp"});
  ASSERT_EQ(r.kind, CommandKind::Compile);
  EXPECT_EQ(r.language, "c++");
  EXPECT_EQ(r.output, "foo.o");
  EXPECT_EQ(classify({"-c", "a.c"}, /*cxx=*/true).language, "c++");
}

TEST(ArgsClassify, SeveralSourcesSplitIntoOneCompileEach) {
  ClassifiedArgs m = classify({"-O2", "-c", "a.c", "-DX=1", "sub/b.c", "-Wall", "c.c"});
  EXPECT_EQ(m.kind, CommandKind::MultiCompile);
  EXPECT_EQ(m.sources, (std::vector<std::string>{"a.c", "sub/b.c", "c.c"}));
  EXPECT_EQ(args_for_source(m, 0), (std::vector<std::string>{"-O2", "-c", "a.c", "-DX=1", "-Wall"}));
  EXPECT_EQ(args_for_source(m, 1), (std::vector<std::string>{"-O2", "-c", "-DX=1", "sub/b.c", "-Wall"}));
  EXPECT_EQ(args_for_source(m, 2), (std::vector<std::string>{"-O2", "-c", "-DX=1", "-Wall", "c.c"}));
  ClassifiedArgs b = classify(args_for_source(m, 1));
  EXPECT_EQ(b.kind, CommandKind::Compile);
  EXPECT_EQ(b.source, "sub/b.c");
  EXPECT_EQ(b.output, "b.o"); // as the compiler names it: in the working directory
  // -MD without -MF names each dependency file after its object: still splittable.
  EXPECT_EQ(classify({"-MD", "-c", "a.c", "b.cpp"}, /*cxx=*/true).kind, CommandKind::MultiCompile);
}

TEST(ArgsClassify, PassthroughReasons) {
  EXPECT_EQ(classify({"--version"}).reason, "probe");
  EXPECT_EQ(classify({"-dumpmachine"}).reason, "probe");
  EXPECT_EQ(classify({"-print-prog-name=ld"}).reason, "probe");
  EXPECT_EQ(classify({"-v"}).reason, "probe");
  EXPECT_EQ(classify({"-E", "a.c"}).reason, "preprocess");
  EXPECT_EQ(classify({"-S", "a.c"}).reason, "assembly_output");
  EXPECT_EQ(classify({"-M", "a.c"}).reason, "dependency_only");
  EXPECT_EQ(classify({"-fsyntax-only", "a.c"}).reason, "syntax_only");
  // One -o, dependency-file names or a forced language for several sources: the compiler's business.
  EXPECT_EQ(classify({"-c", "a.c", "b.c", "-o", "x.o"}).reason, "multiple_sources");
  EXPECT_EQ(classify({"-c", "a.c", "b.c", "-MD", "-MF", "x.d"}).reason, "multiple_sources");
  EXPECT_EQ(classify({"-c", "-x", "c", "a.c", "b.c"}).reason, "multiple_sources");
  EXPECT_EQ(classify({"-c", "a.c", "b.s"}).reason, "multiple_sources");
  EXPECT_EQ(classify({"-x", "c", "-c", "-"}).reason, "stdin_input");
  EXPECT_EQ(classify({"-c", "a.s"}).reason, "unsupported_language");
  EXPECT_EQ(classify({"-c", "-x", "assembler", "a.c"}).reason, "unsupported_language");
  EXPECT_EQ(classify({"-c", "a.cu"}).reason, "unsupported_language");
  EXPECT_EQ(classify({"--frobnicate", "-c", "a.c"}).reason, "unknown_option");
  EXPECT_EQ(classify({"-c", "a.c", "-o"}).reason, "bad_compiler_arguments");
  EXPECT_EQ(classify({}).reason, "no_input");
  EXPECT_EQ(classify({"@/nonexistent/file.rsp"}).reason, "bad_response_file");
}

TEST(ArgsClassify, LinksAreRecognisedWithInputs) {
  auto r = classify({"main.o", "libfoo.a", "-L.", "-lm", "-o", "prog"});
  ASSERT_EQ(r.kind, CommandKind::Link);
  EXPECT_EQ(r.output, "prog");
  EXPECT_EQ(r.inputs, (std::vector<std::string>{"main.o", "libfoo.a"}));
  EXPECT_EQ(r.libraries, (std::vector<std::string>{"-lm"}));
  EXPECT_EQ(classify({"a.o"}).output, "a.out");
}

TEST(ArgsClassify, ResponseFilesAreExpanded) {
  std::string path = "/tmp/llmcc-args-test.rsp";
  std::ofstream(path) << "-O2 \"-DNAME=a b\" -c\n";
  auto r = classify({"@" + path, "x.c"});
  std::remove(path.c_str());
  ASSERT_EQ(r.kind, CommandKind::Compile);
  EXPECT_TRUE(r.had_response_file);
  EXPECT_EQ(r.args, (std::vector<std::string>{"-O2", "-DNAME=a b", "-c", "x.c"}));
}

TEST(ArgsClassify, RecursiveResponseFilesFailCleanly) {
  std::string path = "/tmp/llmcc-args-loop.rsp";
  std::ofstream(path) << "@" << path << "\n";
  auto r = classify({"@" + path});
  std::remove(path.c_str());
  EXPECT_EQ(r.reason, "bad_response_file");
}

TEST(ArgsKey, BaseFlagsDropWhatDoesNotChangeCode) {
  auto flags = normalized_base_flags({"-O2", "-g", "-Wall", "-DX", "-Iinc", "-MD", "-MF", "d", "-fPIC", "-std=c++17",
                                      "-c", "x.cc", "-o", "x.o", "-fno-strict-aliasing"},
                                     "x.cc");
  EXPECT_EQ(flags, (std::vector<std::string>{"-fPIC", "-std=c++17", "-fno-strict-aliasing"}));
}

TEST(ArgsKey, PreprocessCommandDropsOutputsAndAddsE) {
  auto pp = preprocess_args({"-O2", "-MD", "-MF", "x.d", "-c", "x.c", "-o", "x.o", "-DX"});
  EXPECT_EQ(pp, (std::vector<std::string>{"-O2", "x.c", "-DX", "-E", "-P"}));
}
