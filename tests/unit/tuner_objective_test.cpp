#include "tuner/objective.h"

#include "util/fs.h"
#include "util/process.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

using namespace llmcc;

namespace {

// What a Google Benchmark binary prints with --benchmark_format=json, trimmed a
// little, plus a stddev aggregate that must be ignored.
const char* const kGbenchJson = R"({
  "context": {
    "date": "2024-05-01T10:00:00+00:00",
    "host_name": "box",
    "executable": "./bench",
    "num_cpus": 2,
    "mhz_per_cpu": 2400,
    "cpu_scaling_enabled": false,
    "caches": [],
    "load_avg": [0.5, 0.4, 0.3],
    "library_build_type": "release"
  },
  "benchmarks": [
    {
      "name": "BM_Sort/1024",
      "family_index": 0,
      "per_family_instance_index": 0,
      "run_name": "BM_Sort/1024",
      "run_type": "iteration",
      "repetitions": 1,
      "repetition_index": 0,
      "threads": 1,
      "iterations": 20000,
      "real_time": 4.1000000000000000e+03,
      "cpu_time": 4.0000000000000000e+03,
      "time_unit": "ns"
    },
    {
      "name": "BM_Hash",
      "family_index": 1,
      "per_family_instance_index": 0,
      "run_name": "BM_Hash",
      "run_type": "iteration",
      "repetitions": 1,
      "repetition_index": 0,
      "threads": 1,
      "iterations": 700000,
      "real_time": 1.0100000000000000e+02,
      "cpu_time": 1.0000000000000000e+02,
      "time_unit": "ns",
      "bytes_per_second": 1.0e+09
    },
    {
      "name": "BM_Hash_stddev",
      "family_index": 1,
      "per_family_instance_index": 0,
      "run_name": "BM_Hash",
      "run_type": "aggregate",
      "repetitions": 1,
      "threads": 1,
      "aggregate_name": "stddev",
      "aggregate_unit": "time",
      "iterations": 1,
      "real_time": 3.0e+00,
      "cpu_time": 3.0e+00,
      "time_unit": "ns"
    }
  ]
}
)";

class TempDir {
public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "llmcc-objective-test-XXXXXX").string();
    m_path = ::mkdtemp(templ.data()) ? templ : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace

TEST(Objective, NamesRoundTrip) {
  for (Objective o : {Objective::Time, Objective::Size, Objective::Instructions}) {
    auto parsed = parse_objective(std::string(objective_name(o)));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, o);
  }
  EXPECT_FALSE(parse_objective("speed").ok());
}

TEST(GbenchJson, SkipsAggregatesAndNormalisesUnits) {
  auto per = parse_gbench_json(kGbenchJson);
  ASSERT_TRUE(per.ok()) << per.error().message;
  ASSERT_EQ(per->size(), 2u);
  EXPECT_DOUBLE_EQ(per->at("BM_Sort/1024"), 4e-6);
  EXPECT_DOUBLE_EQ(per->at("BM_Hash"), 1e-7);
}

TEST(GbenchJson, UsesMedianWhenOnlyAggregatesExist) {
  const char* json = R"({"benchmarks": [
    {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "mean",
     "cpu_time": 12.0, "time_unit": "us"},
    {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "median",
     "cpu_time": 10.0, "time_unit": "us"},
    {"name": "BM_A_stddev", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "stddev",
     "cpu_time": 1.0, "time_unit": "us"},
    {"name": "BM_A_cv", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "cv",
     "aggregate_unit": "percentage", "cpu_time": 0.05, "time_unit": "us"}
  ]})";
  auto per = parse_gbench_json(json);
  ASSERT_TRUE(per.ok()) << per.error().message;
  ASSERT_EQ(per->size(), 1u);
  EXPECT_DOUBLE_EQ(per->at("BM_A"), 10e-6);
}

TEST(GbenchJson, RejectsNonBenchmarkOutputAndErrors) {
  EXPECT_FALSE(parse_gbench_json("hello world\n").ok());
  EXPECT_FALSE(parse_gbench_json(R"({"foo": 1})").ok());
  EXPECT_FALSE(parse_gbench_json(R"({"benchmarks": []})").ok());
  auto err = parse_gbench_json(R"({"benchmarks": [{"name": "BM_X", "run_name": "BM_X", "run_type": "iteration",
    "error_occurred": true, "error_message": "boom", "cpu_time": 0, "time_unit": "ns"}]})");
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().message.find("boom"), std::string::npos);
}

TEST(GbenchJson, ToleratesTextBeforeTheDocument) {
  auto per = parse_gbench_json(std::string("warming up caches\n") + kGbenchJson);
  ASSERT_TRUE(per.ok()) << per.error().message;
  EXPECT_EQ(per->size(), 2u);
}

TEST(RegexScore, FirstCaptureGroup) {
  auto v = parse_regex_score("setup done\nelapsed: 1.25 s\nelapsed: 9 s\n", R"(elapsed: ([0-9.]+) s)");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_DOUBLE_EQ(*v, 1.25);
  EXPECT_FALSE(parse_regex_score("nothing here", R"(elapsed: ([0-9.]+))").ok());
  EXPECT_FALSE(parse_regex_score("elapsed: fast", R"(elapsed: (\w+))").ok());
  EXPECT_FALSE(parse_regex_score("x", "(unclosed").ok());
}

TEST(CallgrindTotal, ParsesTotalsOrSummary) {
  const char* out = "version: 1\ncreator: callgrind-3.19.0\npid: 123\ncmd:  ./a.out\npart: 1\n\n"
                    "positions: line\nevents: Ir\nsummary: 127498\n\nfl=(1) ???\nfn=(1) 0x0000000000001100\n"
                    "0 3\n\ntotals: 127498\n";
  auto v = parse_callgrind_total(out);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_DOUBLE_EQ(*v, 127498);

  auto s = parse_callgrind_total("events: Ir Dr\nsummary: 5000 1200\n");
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(*s, 5000);

  auto other_order = parse_callgrind_total("events: Dr Ir\ntotals: 1200 5000\n");
  ASSERT_TRUE(other_order.ok());
  EXPECT_DOUBLE_EQ(*other_order, 5000);

  EXPECT_FALSE(parse_callgrind_total("version: 1\n").ok());
}

TEST(RunBenchmark, TimeFormatCapturesStdout) {
  BenchSpec spec;
  spec.argv = {"/bin/echo", "hello"};
  spec.format = "time";
  spec.timeout_sec = 30;
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_EQ(s.output, "hello\n");
  EXPECT_GE(s.score, 0);
  EXPECT_GE(s.wall_sec, 0);
}

TEST(RunBenchmark, AutoFallsBackToTimeWithoutJson) {
  BenchSpec spec;
  spec.argv = {"/bin/echo", "not json"};
  spec.timeout_sec = 30;
  RunSample s = run_benchmark(spec, Objective::Time);
  ASSERT_TRUE(s.ok) << s.failure;
  EXPECT_TRUE(s.per_benchmark.empty());
  EXPECT_GE(s.score, 0);
}

TEST(RunBenchmark, AutoAndGbenchScoreTheGeometricMean) {
  for (const char* format : {"auto", "gbench"}) {
    BenchSpec spec;
    // The JSON is $0 of the script; the --benchmark_format=json that gbench
    // mode appends becomes $1 and is ignored.
    spec.argv = {"/bin/sh", "-c", "printf '%s' \"$0\"", kGbenchJson};
    spec.format = format;
    spec.timeout_sec = 30;
    RunSample s = run_benchmark(spec, Objective::Time);
    ASSERT_TRUE(s.ok) << format << ": " << s.failure;
    EXPECT_NEAR(s.score, std::sqrt(4e-6 * 1e-7), 1e-15) << format;
    EXPECT_EQ(s.per_benchmark.size(), 2u) << format;
    EXPECT_EQ(s.output, kGbenchJson) << format;
  }
}

TEST(RunBenchmark, GbenchAppendsFormatFlagOnlyWhenMissing) {
  BenchSpec spec;
  spec.argv = {"/bin/echo"};
  spec.format = "gbench";
  spec.timeout_sec = 30;
  RunSample s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.output, "--benchmark_format=json\n");
  EXPECT_NE(s.failure.find("no score"), std::string::npos) << s.failure;

  spec.argv = {"/bin/echo", "--benchmark_format=console"};
  s = run_benchmark(spec, Objective::Time);
  EXPECT_EQ(s.output, "--benchmark_format=console\n");
}

TEST(RunBenchmark, RegexScoreAndThroughputInversion) {
  BenchSpec spec;
  spec.argv = {"/bin/echo", "throughput: 250 MB/s"};
  spec.format = "regex";
  spec.regex = R"(throughput: ([0-9.]+))";
  spec.timeout_sec = 30;
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
}

TEST(RunBenchmark, RegexFallsBackToStderr) {
  BenchSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo result; echo 'time=3.5' >&2"};
  spec.format = "regex";
  spec.regex = R"(time=([0-9.]+))";
  spec.timeout_sec = 30;
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
  EXPECT_FALSE(s.failure.empty());

  spec.argv = {"/bin/true"};
  spec.format = "bogus";
  s = run_benchmark(spec, Objective::Time);
  EXPECT_FALSE(s.ok);
}

TEST(RunBenchmark, PassesEnvAndCwd) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  BenchSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo \"$LLMCC_TEST_VAR\"; pwd"};
  spec.format = "time";
  spec.cwd = dir.path();
  spec.env = {{"LLMCC_TEST_VAR", "forty-two"}};
  spec.timeout_sec = 30;
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

TEST(ObjectCodeSize, GrowsWithFunctionBody) {
  TempDir dir;
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
  std::string big = compile("big", "int g(volatile int* p) {\n"
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
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/not-elf.o";
  ASSERT_TRUE(fs::write_file_atomic(path, "this is text, not an object file\n").ok());
  EXPECT_FALSE(object_code_size(path).ok());
  EXPECT_FALSE(object_code_size(dir.path() + "/missing.o").ok());
  // An ELF header with nothing after it must fail cleanly, not read out of bounds.
  ASSERT_TRUE(fs::write_file_atomic(path, std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(9, '\0')).ok());
  EXPECT_FALSE(object_code_size(path).ok());
}
