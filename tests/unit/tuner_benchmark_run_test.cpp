#include "tuner/benchmark_run.h"

#include "tests/support/gbench_sample.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

using namespace llmcc;
using llmcc::testing::kGbenchJson;
using llmcc::testing::TempDir;

namespace {

// A spec with a timeout no healthy test command comes near.
BenchSpec spec_of(std::vector<std::string> argv, std::string format = BenchSpec{}.format) {
  BenchSpec spec;
  spec.argv = std::move(argv);
  spec.format = std::move(format);
  spec.timeout_sec = 30;
  return spec;
}

} // namespace

TEST(RunBenchmark, TimeFormatCapturesStdout) {
  BenchSpec spec = spec_of({"/bin/echo", "hello"}, "time");
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_EQ(s.output, "hello\n");
  // The command's CPU time, exactly as measured.
  EXPECT_DOUBLE_EQ(s.score, s.cpu_sec);
  EXPECT_GT(s.wall_sec, 0);
}

TEST(RunBenchmark, WallFormatScoresWallTime) {
  BenchSpec spec = spec_of({"/bin/echo", "hello"}, "wall");
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_GT(s.wall_sec, 0);
  EXPECT_DOUBLE_EQ(s.score, s.wall_sec);
}

TEST(RunBenchmark, AutoFallsBackToTimeWithoutJson) {
  BenchSpec spec = spec_of({"/bin/echo", "not json"});
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_TRUE(s.per_benchmark.empty());
  EXPECT_DOUBLE_EQ(s.score, s.cpu_sec);
}

TEST(RunBenchmark, AutoAndGbenchScoreTheGeometricMean) {
  for (const char* format : {"auto", "gbench"}) {
    // The JSON is $0 of the script; the --benchmark_format=json that gbench
    // mode appends becomes $1 and is ignored.
    BenchSpec spec = spec_of({"/bin/sh", "-c", "printf '%s' \"$0\"", kGbenchJson}, format);
    RunSample s = run_benchmark(spec, Objective::Time);
    ASSERT_TRUE(s.ok) << format << ": " << s.failure;
    EXPECT_NEAR(s.score, std::sqrt(4e-6 * 1e-7), 1e-15) << format;
    EXPECT_EQ(s.per_benchmark.size(), 2u) << format;
    EXPECT_EQ(s.output, kGbenchJson) << format;
  }
}

TEST(RunBenchmark, GbenchAppendsFormatFlagOnlyWhenMissing) {
  BenchSpec spec = spec_of({"/bin/echo"}, "gbench");
  RunSample s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.output, "--benchmark_format=json\n");
  EXPECT_EQ(s.failure, "no score in output: output is not JSON");

  spec.argv = {"/bin/echo", "--benchmark_format=console"};
  s = run_benchmark(spec, Objective::Time);
  EXPECT_EQ(s.output, "--benchmark_format=console\n");
}

TEST(RunBenchmark, RegexScoreAndThroughputInversion) {
  BenchSpec spec = spec_of({"/bin/echo", "throughput: 250 MB/s"}, "regex");
  spec.regex = R"(throughput: ([0-9.]+))";
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_DOUBLE_EQ(s.score, 250);

  spec.higher_is_better = true;
  s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_DOUBLE_EQ(s.score, 1.0 / 250);

  spec.argv = {"/bin/echo", "throughput: 0 MB/s"};
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "no score in output: throughput 0 is not positive");
}

TEST(RunBenchmark, RegexFallsBackToStderr) {
  BenchSpec spec = spec_of({"/bin/sh", "-c", "echo result; echo 'time=3.5' >&2"}, "regex");
  spec.regex = R"(time=([0-9.]+))";
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_DOUBLE_EQ(s.score, 3.5);
  EXPECT_EQ(s.output, "result\n");
}

TEST(RunBenchmark, ReportsFailures) {
  BenchSpec spec;
  spec.format = "time";
  spec.timeout_sec = 30;

  spec.argv = {"/bin/sh", "-c", "echo partial; exit 3"};
  RunSample s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "exit 3");
  EXPECT_EQ(s.output, "partial\n");

  spec.argv = {"/bin/sh", "-c", "kill -SEGV $$"};
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.failure.find("signal 11"), std::string::npos) << s.failure;

  spec.argv = {"sleep", "5"};
  spec.timeout_sec = 0.3;
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "timed out");

  spec.argv = {"/nonexistent/llmcc-bench"};
  spec.timeout_sec = 30;
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "cannot execute /nonexistent/llmcc-bench: No such file or directory");

  spec.argv = {"/bin/true"};
  spec.format = "bogus";
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "unknown benchmark format 'bogus'");

  spec.format = "regex";
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "format regex needs a regex");

  spec.argv = {};
  spec.format = "time";
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "empty benchmark command");
}

TEST(RunBenchmark, PassesEnvAndCwd) {
  TempDir dir("llmcc-benchmark-run-test-");
  ASSERT_FALSE(dir.path().empty());
  BenchSpec spec = spec_of({"/bin/sh", "-c", "echo \"$LLMCC_TEST_VAR\"; pwd"}, "time");
  spec.cwd = dir.path();
  spec.env = {{"LLMCC_TEST_VAR", "forty-two"}};
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_EQ(s.output, "forty-two\n" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(RunBenchmark, InstructionsUnderCallgrind) {
  if (fs::find_in_path("valgrind", nullptr, nullptr).empty()) {
    GTEST_SKIP() << "valgrind not installed";
  }
  BenchSpec spec;
  spec.argv = {"/bin/echo", "counted"};
  spec.timeout_sec = 300;
  RunSample s = run_benchmark(spec, Objective::Instructions);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_GT(s.score, 1000);
  // Only the program's stdout; valgrind's banner goes to its log file.
  EXPECT_EQ(s.output, "counted\n");

  // A failing program is reported with its own exit status, not valgrind's.
  spec.argv = {"/bin/false"};
  s = run_benchmark(spec, Objective::Instructions);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.failure, "exit 1");
}

TEST(RunBenchmark, InstructionsOfCodeValgrindCannotDecodeAreUnmeasurable) {
  // valgrind 3.19 dies on AVX-512 with VEX's "unhandled instruction bytes" and
  // SIGILL; a stand-in valgrind does the same on any CPU.
  TempDir dir;
  const std::string fake = dir.path() + "/valgrind";
  ASSERT_TRUE(fs::write_file_atomic(fake,
                             "#!/bin/sh\n"
                             "for a in \"$@\"; do case \"$a\" in --log-file=*) log=\"${a#--log-file=}\";; esac; done\n"
                             "log=$(printf '%s' \"$log\" | sed \"s/%p/$$/\")\n"
                             "echo 'vex amd64->IR: unhandled instruction bytes: 0x62 0xF2 0xFD 0x48' > \"$log\"\n"
                             "kill -ILL $$\n")
                  .ok());
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const char* old_path = std::getenv("PATH");
  const std::string saved = old_path ? old_path : "";
  ::setenv("PATH", (dir.path() + ":" + saved).c_str(), 1);
  RunSample s = run_benchmark(spec_of({"/bin/true"}), Objective::Instructions);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(s.ok);
  EXPECT_TRUE(s.unmeasurable);
  EXPECT_EQ(s.failure, "killed by signal 4 (Illegal instruction): callgrind cannot run this program (valgrind does "
                       "not decode some of its instructions, e.g. AVX-512 from -march=native); --objective time "
                       "measures it");
}
