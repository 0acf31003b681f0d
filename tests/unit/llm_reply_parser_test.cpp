#include "llm/reply_parser.h"

#include <gtest/gtest.h>

using namespace llmcc;
using nlohmann::json;

namespace {

struct Fixture {
  SearchSpace space = SearchSpace::build(CompilerFamily::Gcc, SafetyPolicy{});
  std::set<std::string> tried;
  ReplyRules rules() {
    ReplyRules r;
    r.family = CompilerFamily::Gcc;
    r.space = &space;
    r.tried = &tried;
    r.max_accepted = 4;
    return r;
  }
};

// A braced list of one candidate is that object, not an array of it: wrap it.
std::string reply(const json& candidates) {
  return json{{"candidates", candidates.is_array() ? candidates : json::array({candidates})}}.dump();
}

json candidate(const std::string& opt, const std::vector<std::string>& options, const std::string& why = "because") {
  return {{"opt", opt}, {"options", options}, {"pipeline", ""}, {"rationale", why}};
}

} // namespace

TEST(ReplyParser, AcceptsGoodCandidatesWithRationale) {
  Fixture f;
  auto r = parse_reply(reply({candidate("-O3", {"-funroll-loops"}, "unroll the hot loop"),
                              candidate("-O2", {"-ftree-vectorize", "-march=native"})}),
                       f.rules());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->accepted.size(), 2u);
  EXPECT_EQ(r->accepted[0].config.opt_level, "-O3");
  EXPECT_EQ(r->accepted[0].config.options, std::vector<std::string>{"-funroll-loops"});
  EXPECT_EQ(r->accepted[0].op, "llm");
  EXPECT_EQ(r->accepted[0].rationale, "unroll the hot loop");
  EXPECT_TRUE(r->rejected.empty());
}

TEST(ReplyParser, ToleratesOneJsonFenceAndNothingElse) {
  Fixture f;
  std::string body = reply({candidate("-O3", {})});
  EXPECT_TRUE(parse_reply("```json\n" + body + "\n```", f.rules()).ok());
  EXPECT_TRUE(parse_reply("  ```\n" + body + "\n```\n", f.rules()).ok());
  EXPECT_FALSE(parse_reply("Here you go:\n```json\n" + body + "\n```", f.rules()).ok());
  EXPECT_FALSE(parse_reply("```python\n" + body + "\n```", f.rules()).ok());
  EXPECT_FALSE(parse_reply("Sure! " + body, f.rules()).ok());
}

TEST(ReplyParser, InvalidJsonAndWrongShapesAreErrors) {
  Fixture f;
  auto bad = parse_reply("{\"candidates\": [", f.rules());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "reply is not valid JSON");
  EXPECT_FALSE(parse_reply("[]", f.rules()).ok());
  EXPECT_FALSE(parse_reply("{\"candidates\": {}}", f.rules()).ok());
  EXPECT_FALSE(parse_reply("{}", f.rules()).ok());
  auto extra = parse_reply(json{{"candidates", json::array()}, {"notes", "hi"}}.dump(), f.rules());
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.error().message.find("unknown key \"notes\""), std::string::npos);
}

TEST(ReplyParser, OversizeRepliesAreErrors) {
  Fixture f;
  ReplyRules r = f.rules();
  r.max_reply_chars = 1000;
  auto big = parse_reply(reply({candidate("-O3", {}, std::string(2000, 'a'))}), r);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "reply too large");
  json many = json::array();
  for (int i = 0; i < 100; ++i) {
    many.push_back(candidate("-O3", {}));
  }
  EXPECT_FALSE(parse_reply(reply(many), f.rules()).ok());
}

TEST(ReplyParser, HostileFlagsAreRejectedByTheAllowList) {
  Fixture f;
  json hostile = json::array({candidate("-O2", {"-fplugin=/tmp/evil.so"}), candidate("-O2", {"-B/tmp/evil"}),
                              candidate("-O2", {"@/tmp/args.rsp"}), candidate("-O2", {"-mllvm -load=/tmp/x.so"}),
                              candidate("-O2", {"-mllvm -load /tmp/x.so"}), candidate("-O2", {"-wrapper", "/bin/sh"}),
                              candidate("-O2", {"-funroll-loops; rm -rf /"})});
  auto r = parse_reply(reply(hostile), f.rules());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->accepted.empty());
  EXPECT_EQ(r->rejected.size(), hostile.size());
  EXPECT_EQ(r->rejected_counts[kRejectNotAllowed], static_cast<int>(hostile.size()));
  for (const auto& rej : r->rejected) {
    EXPECT_EQ(rej.reason.rfind(kRejectNotAllowed, 0), 0u) << rej.reason;
  }
}

TEST(ReplyParser, HallucinatedAndOutOfRangeOptionsAreRejected) {
  Fixture f;
  auto r = parse_reply(reply({candidate("-O3", {"-fsuper-fast-loops"}), candidate("-O3", {"--param=max-unroll-times=100000"}),
                              candidate("-O9", {}), candidate("-O3", {"-funroll-loops"})}),
                       f.rules());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->accepted.size(), 1u);
  EXPECT_EQ(r->accepted[0].config.options, std::vector<std::string>{"-funroll-loops"});
  EXPECT_EQ(r->rejected.size(), 3u);
  EXPECT_EQ(r->rejected_counts[kRejectNotAllowed], 3);
}

TEST(ReplyParser, OptionsOutsideTheSessionSpaceAreRejected) {
  Fixture f;
  // A space that only offers -O levels and unrolling.
  SearchSpace small(CompilerFamily::Gcc, {Dimension{"-O", "opt", {"", "-O2", "-O3"}},
                                           Dimension{"-funroll-loops", "loop", {"", "-funroll-loops", "-fno-unroll-loops"}}});
  ReplyRules rules = f.rules();
  rules.space = &small;
  auto r = parse_reply(reply({candidate("-O3", {"-funroll-loops"}), candidate("-O3", {"-ftree-vectorize"}),
                              candidate("-Os", {})}),
                       rules);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted.size(), 1u);
  EXPECT_EQ(r->rejected_counts[kRejectOutsideSpace], 2);
}

TEST(ReplyParser, DuplicatesOfTriedConfigsAndWithinTheReplyAreDropped) {
  Fixture f;
  TuneConfig tried;
  tried.opt_level = "-O3";
  tried.options = {"-funroll-loops"};
  f.tried.insert(tried.canonical());
  auto r = parse_reply(reply({candidate("-O3", {"-funroll-loops"}), candidate("-O2", {"-fpeel-loops"}),
                              candidate("-O2", {"-fpeel-loops"}), candidate("", {})}),
                       f.rules());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->accepted.size(), 1u);
  EXPECT_EQ(r->rejected_counts[kRejectDuplicate], 2);
  EXPECT_EQ(r->rejected_counts[kRejectEmpty], 1);
}

TEST(ReplyParser, MalformedCandidatesAreDroppedNotFatal) {
  Fixture f;
  json c = json::array({json{{"opt", "-O3"}, {"flags", json::array({"-funroll-loops"})}}, json{{"opt", 3}}, "-O3",
                        json{{"opt", "-O3"}, {"rationale", json::array()}}, candidate("-O2", {"-fpeel-loops"})});
  auto r = parse_reply(reply(c), f.rules());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->accepted.size(), 1u);
  EXPECT_EQ(r->rejected_counts[kRejectMalformed], 4);
}

TEST(ReplyParser, SurplusBeyondKIsDropped) {
  Fixture f;
  ReplyRules rules = f.rules();
  rules.max_accepted = 2;
  auto r = parse_reply(reply({candidate("-O3", {}), candidate("-O2", {"-fpeel-loops"}), candidate("-O1", {})}), rules);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted.size(), 2u);
  EXPECT_EQ(r->rejected_counts[kRejectSurplus], 1);
}

TEST(ReplyParser, RationaleIsSanitised) {
  Fixture f;
  auto r = parse_reply(reply({candidate("-O3", {}, "line one\n\x1b[31mred\x1b[0m  " + std::string(1000, 'z'))}),
                       f.rules());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->accepted.size(), 1u);
  const std::string& why = r->accepted[0].rationale;
  EXPECT_EQ(why.find('\x1b'), std::string::npos);
  EXPECT_EQ(why.find('\n'), std::string::npos);
  EXPECT_LE(why.size(), 410u);
  EXPECT_EQ(why.rfind("line one [31mred [0m zzz", 0), 0u) << why;
}

TEST(ReplyParser, ClangKnobsAndPipelinesGoThroughTheAllowListToo) {
  SearchSpace space = SearchSpace::build(CompilerFamily::Clang, SafetyPolicy{});
  std::set<std::string> tried;
  ReplyRules rules;
  rules.family = CompilerFamily::Clang;
  rules.space = &space;
  rules.tried = &tried;
  json hostile = json::array({candidate("-O2", {"-mllvm -load=/tmp/x.so"}), candidate("-O2", {"-Xclang", "-load"}),
                              candidate("-O2", {"-fpass-plugin=/tmp/p.so"}),
                              json{{"opt", "-O2"}, {"options", json::array()}, {"pipeline", "function(evil-pass)"}}});
  auto r = parse_reply(reply(hostile), rules);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->accepted.empty());
  EXPECT_EQ(r->rejected_counts[kRejectNotAllowed], 4);
  // gcc has no pipelines at all.
  Fixture f;
  auto g = parse_reply(reply(json{{"opt", "-O2"}, {"options", json::array()}, {"pipeline", "function(sroa)"}}), f.rules());
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->accepted.empty());
}
