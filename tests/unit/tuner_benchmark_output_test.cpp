#include "tuner/benchmark_output.h"

#include "tests/support/gbench_sample.h"

#include <gtest/gtest.h>

#include <string>

using namespace llmcc;
using llmcc::testing::kGbenchJson;

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
  auto reason = [](const std::string& text) {
    auto r = parse_gbench_json(text);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(reason("hello world\n"), "output is not JSON");
  EXPECT_EQ(reason(R"({"foo": 1})"), "JSON has no 'benchmarks' array");
  EXPECT_EQ(reason(R"({"benchmarks": []})"), "no benchmarks in JSON");
  auto err = parse_gbench_json(
      R"({"benchmarks": [{"name": "BM_X", "run_name": "BM_X", "run_type": "iteration",
    "error_occurred": true, "error_message": "boom", "cpu_time": 0, "time_unit": "ns"}]})");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().message, "benchmark BM_X reported an error: boom");
}

TEST(GbenchJson, ToleratesTextBeforeTheDocument) {
  auto per = parse_gbench_json(std::string("warming up caches\n") + kGbenchJson);
  ASSERT_TRUE(per.ok()) << per.error().message;
  EXPECT_EQ(per->size(), 2u);
}

TEST(RegexScore, FirstCaptureGroup) {
  auto v =
      parse_regex_score("setup done\nelapsed: 1.25 s\nelapsed: 9 s\n", R"(elapsed: ([0-9.]+) s)");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_DOUBLE_EQ(*v, 1.25);

  auto none = parse_regex_score("nothing here", R"(elapsed: ([0-9.]+))");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "no match for regex 'elapsed: ([0-9.]+)'");
  auto word = parse_regex_score("elapsed: fast", R"(elapsed: (\w+))");
  ASSERT_FALSE(word.ok());
  EXPECT_EQ(word.error().message, "regex matched 'fast', which is not a number");
  auto invalid = parse_regex_score("x", "(unclosed");
  ASSERT_FALSE(invalid.ok());
  // The rest of the message is the regex library's own wording.
  EXPECT_EQ(invalid.error().message.rfind("invalid regex '(unclosed': ", 0), 0u)
      << invalid.error().message;
}

TEST(CallgrindTotal, ParsesTotalsOrSummary) {
  const char* out =
      "version: 1\ncreator: callgrind-3.19.0\npid: 123\ncmd:  ./a.out\npart: 1\n\n"
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

  auto missing = parse_callgrind_total("version: 1\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no totals or summary line in callgrind output");
  auto zero = parse_callgrind_total("events: Ir\ntotals: 0\n");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().message, "callgrind counted no instructions");
}
