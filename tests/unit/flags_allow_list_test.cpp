#include "flags/allow_list.h"
#include "flags/option_table.h"
#include "flags/pipeline_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace llmcc;

namespace {

TuneConfig config_of(std::vector<std::string> options, std::string opt = "-O2", std::string pipeline = "") {
  TuneConfig c;
  c.opt_level = std::move(opt);
  c.options = std::move(options);
  c.pipeline = std::move(pipeline);
  return c;
}

// The reason for rejecting a single-option config, or "" when it is accepted.
std::string reason(const std::string& option, CompilerFamily family = CompilerFamily::Gcc,
                   const SafetyPolicy& policy = {}) {
  auto v = check_config(config_of({option}), family, policy);
  if (v.empty()) {
    return "";
  }
  EXPECT_EQ(v.size(), 1u) << describe_violations(v);
  return v.front().reason;
}

void expect_rejected(const std::string& option, const std::string& reason_part,
                     CompilerFamily family = CompilerFamily::Gcc) {
  std::string r = reason(option, family);
  EXPECT_FALSE(r.empty()) << "accepted: " << option;
  EXPECT_NE(r.find(reason_part), std::string::npos) << option << " rejected for: " << r;
}

void expect_rejected_both(const std::string& option, const std::string& reason_part) {
  expect_rejected(option, reason_part, CompilerFamily::Gcc);
  expect_rejected(option, reason_part, CompilerFamily::Clang);
}

} // namespace

// ---- accepted configs -------------------------------------------------------------

TEST(AllowList, AcceptsValidGccConfig) {
  auto c = config_of({"-funroll-loops", "-fno-tree-vectorize", "-fvect-cost-model=cheap", "--param=max-unroll-times=4",
                      "--param=max-inline-insns-auto=40", "-march=native", "-mtune=skylake", "-mprefer-vector-width=256",
                      "-finline-limit=600"},
                     "-O3");
  auto v = check_config(c, CompilerFamily::Gcc);
  EXPECT_TRUE(v.empty()) << describe_violations(v);
}

TEST(AllowList, AcceptsValidClangConfigWithMllvmAndPipeline) {
  auto c = config_of({"-funroll-loops", "-fno-slp-vectorize", "-mllvm -unroll-threshold=400",
                      "-mllvm -inline-threshold=300", "-mllvm -slp-threshold=-5", "-march=x86-64-v3",
                      "-falign-loops=32"},
                     "-O2", "function(sroa,instcombine,loop-unroll<O3>)");
  auto v = check_config(c, CompilerFamily::Clang);
  EXPECT_TRUE(v.empty()) << describe_violations(v);
}

TEST(AllowList, EmptyConfigIsFine) {
  EXPECT_TRUE(check_config(TuneConfig{}, CompilerFamily::Gcc).empty());
  EXPECT_TRUE(check_config(TuneConfig{}, CompilerFamily::Unknown).empty());
}

TEST(AllowList, UnknownFamilyAllowsNothing) {
  EXPECT_FALSE(check_config(config_of({"-funroll-loops"}), CompilerFamily::Unknown).empty());
}

// ---- opt levels ---------------------------------------------------------------

TEST(AllowList, OptLevels) {
  EXPECT_TRUE(check_config(config_of({}, "-O3"), CompilerFamily::Gcc).empty());
  EXPECT_TRUE(check_config(config_of({}, "-Oz"), CompilerFamily::Clang).empty());
  auto v = check_config(config_of({}, "-O5"), CompilerFamily::Gcc);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].option, "-O5");
  EXPECT_NE(v[0].reason.find("unknown optimisation level"), std::string::npos);
  EXPECT_FALSE(check_config(config_of({}, "-O2 -O3"), CompilerFamily::Gcc).empty());
  EXPECT_FALSE(check_config(config_of({}, "-O2;id"), CompilerFamily::Gcc).empty());
  expect_rejected("-O3", "opt_level");
}

TEST(AllowList, OfastNeedsUnsafeMath) {
  SafetyPolicy safe;
  EXPECT_FALSE(check_config(config_of({}, "-Ofast"), CompilerFamily::Gcc, safe).empty());
  SafetyPolicy unsafe;
  unsafe.allow_unsafe_math = true;
  EXPECT_TRUE(check_config(config_of({}, "-Ofast"), CompilerFamily::Gcc, unsafe).empty());
  unsafe.allow_errno_math = false;
  EXPECT_FALSE(check_config(config_of({}, "-Ofast"), CompilerFamily::Clang, unsafe).empty());
}

// ---- unsafe groups --------------------------------------------------------------

TEST(AllowList, UnsafeMathNeedsPolicy) {
  SafetyPolicy safe;
  SafetyPolicy unsafe;
  unsafe.allow_unsafe_math = true;
  for (auto family : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    for (const char* f : {"-ffast-math", "-funsafe-math-optimizations", "-ffinite-math-only", "-fno-signed-zeros",
                          "-fno-trapping-math", "-freciprocal-math"}) {
      std::string r = reason(f, family, safe);
      EXPECT_NE(r.find("allow_unsafe_math"), std::string::npos) << f << ": " << r;
      EXPECT_EQ(reason(f, family, unsafe), "") << f;
    }
  }
  EXPECT_NE(reason("-fcx-limited-range", CompilerFamily::Gcc, safe).find("allow_unsafe_math"), std::string::npos);
  EXPECT_NE(reason("-fassociative-math", CompilerFamily::Clang, safe).find("allow_unsafe_math"), std::string::npos);
}

TEST(AllowList, MathErrnoNeedsItsOwnSwitch) {
  SafetyPolicy p; // allow_errno_math defaults to true
  EXPECT_EQ(reason("-fno-math-errno", CompilerFamily::Gcc, p), "");
  p.allow_errno_math = false;
  EXPECT_NE(reason("-fno-math-errno", CompilerFamily::Gcc, p).find("allow_errno_math"), std::string::npos);
  // -ffast-math implies -fno-math-errno, so it needs both switches.
  p.allow_unsafe_math = true;
  EXPECT_NE(reason("-ffast-math", CompilerFamily::Clang, p).find("allow_errno_math"), std::string::npos);
}

// ---- hostile inputs: each has a test and a reason that says why -----------------

TEST(AllowList, RejectsPlugin) { expect_rejected_both("-fplugin=/tmp/evil.so", "plugin"); }
TEST(AllowList, RejectsPluginArg) { expect_rejected_both("-fplugin-arg-evil-key=value", "plugin"); }
TEST(AllowList, RejectsPassPlugin) { expect_rejected("-fpass-plugin=/tmp/p.so", "plugin", CompilerFamily::Clang); }
TEST(AllowList, RejectsProgramPathJoined) { expect_rejected_both("-B/tmp", "finds its own programs"); }
TEST(AllowList, RejectsProgramPathSeparate) { expect_rejected_both("-B /tmp", "finds its own programs"); }
TEST(AllowList, RejectsWrapper) { expect_rejected_both("-wrapper", "another program"); }
TEST(AllowList, RejectsWrapperWithArgument) { expect_rejected("-wrapper=gdb,--args", "another program"); }
TEST(AllowList, RejectsSpecs) { expect_rejected_both("-specs=/tmp/x.specs", "specs"); }
TEST(AllowList, RejectsResponseFile) { expect_rejected_both("@/tmp/opts", "response file"); }
TEST(AllowList, RejectsOutput) { expect_rejected_both("-o x", "output file"); }
TEST(AllowList, RejectsOutputJoined) { expect_rejected_both("-o/tmp/x", "output file"); }
TEST(AllowList, RejectsIncludePath) { expect_rejected_both("-I/x", "include path"); }
TEST(AllowList, RejectsIsystem) { expect_rejected_both("-isystem/x", "include path"); }
TEST(AllowList, RejectsDefine) { expect_rejected_both("-DNDEBUG", "macro"); }
TEST(AllowList, RejectsUndefine) { expect_rejected_both("-UNDEBUG", "macro"); }
TEST(AllowList, RejectsForcedInclude) { expect_rejected_both("-include", "header"); }
TEST(AllowList, RejectsImacros) { expect_rejected_both("-imacros", "macros"); }
TEST(AllowList, RejectsXlinker) { expect_rejected_both("-Xlinker", "linker"); }
TEST(AllowList, RejectsWl) { expect_rejected_both("-Wl,-rpath,/tmp", "linker"); }
TEST(AllowList, RejectsXclang) { expect_rejected("-Xclang", "front end", CompilerFamily::Clang); }
TEST(AllowList, RejectsXassembler) { expect_rejected_both("-Xassembler", "assembler"); }
TEST(AllowList, RejectsMllvmLoadJoined) { expect_rejected("-mllvm -load=x.so", "shared library", CompilerFamily::Clang); }
TEST(AllowList, RejectsMllvmLoadSeparate) { expect_rejected("-mllvm -load x.so", "shared library", CompilerFamily::Clang); }
TEST(AllowList, RejectsMllvmLoadPassPlugin) {
  expect_rejected("-mllvm -load-pass-plugin=x.so", "shared library", CompilerFamily::Clang);
}
TEST(AllowList, RejectsSaveTemps) { expect_rejected_both("-save-temps", "intermediate files"); }
TEST(AllowList, RejectsSysroot) { expect_rejected_both("--sysroot=/tmp", "system root"); }
TEST(AllowList, RejectsLibraryPath) { expect_rejected_both("-L/tmp", "library search path"); }
TEST(AllowList, RejectsLibrary) { expect_rejected_both("-lfoo", "links a library"); }
TEST(AllowList, RejectsLanguage) { expect_rejected_both("-x", "source language"); }
TEST(AllowList, RejectsWarnings) { expect_rejected_both("-Wno-error", "warning"); }

TEST(AllowList, RejectsShellMetacharacters) {
  for (std::string meta : {";", "|", "&", "$", "`", ">", "<"}) {
    expect_rejected_both("-funroll-loops" + meta + "id", "shell metacharacter");
    expect_rejected_both(meta + "-funroll-loops", "shell metacharacter");
  }
  expect_rejected_both("-march=$(id)", "shell metacharacter");
}

TEST(AllowList, RejectsNewline) { expect_rejected_both("-funroll-loops\n-fplugin=x.so", "newline"); }
TEST(AllowList, RejectsEmptyString) { expect_rejected_both("", "empty"); }
TEST(AllowList, RejectsNul) { expect_rejected_both(std::string("-funroll-loops\0-fplugin=x", 26), "NUL"); }
TEST(AllowList, RejectsOverlongOption) { expect_rejected_both("-f" + std::string(300, 'a'), "longer than"); }
TEST(AllowList, RejectsQuotesAndSpaces) {
  expect_rejected_both("-funroll-loops -fplugin", "space");
  expect_rejected_both("-fno-'unroll'", "character");
}
TEST(AllowList, RejectsPositional) { expect_rejected_both("evil.c", "not an option"); }

TEST(AllowList, RejectsUnknownFlag) {
  expect_rejected_both("-fmake-it-fast", "unknown flag");
  expect_rejected_both("-fno-make-it-fast", "unknown flag");
  // A gcc flag clang would only warn about is unknown to the clang table.
  expect_rejected("-ftracer", "unknown flag", CompilerFamily::Clang);
  expect_rejected("-mred-zone", "unknown target option");
}

TEST(AllowList, RejectsBadFlagValues) {
  expect_rejected("-fvect-cost-model=fastest", "one of");
  expect_rejected("-funroll-loops=1", "takes no value");
  expect_rejected("-fvect-cost-model", "needs a value");
  expect_rejected("-fno-vect-cost-model=cheap", "needs a value");
  expect_rejected("-finline-limit=5", "integer in");
  expect_rejected("-mprefer-vector-width=1024", "one of");
}

TEST(AllowList, RejectsUnknownMllvmKnob) {
  expect_rejected("-mllvm -not-a-knob=1", "unknown -mllvm knob", CompilerFamily::Clang);
  expect_rejected("-mllvm -unroll-threshold=300", "clang option", CompilerFamily::Gcc);
  expect_rejected("-mllvm", "malformed", CompilerFamily::Clang);
  expect_rejected("-mllvm  -unroll-threshold=3", "malformed", CompilerFamily::Clang);
  expect_rejected("-mllvm -unroll-threshold=99999", "integer in", CompilerFamily::Clang);
  expect_rejected("-mllvm -unroll-threshold", "needs a value", CompilerFamily::Clang);
  expect_rejected("-mllvm -force-vector-width=3", "one of", CompilerFamily::Clang);
  expect_rejected("-mllvm -unroll-threshold=-1", "integer in", CompilerFamily::Clang);
}

TEST(AllowList, RejectsUnknownParam) {
  expect_rejected("--param=no-such-param=1", "unknown --param");
  expect_rejected("--param=max-unroll-times=4", "gcc option", CompilerFamily::Clang);
  expect_rejected("--param", "one-element form");
  expect_rejected("--param max-unroll-times=4", "one-element form");
}

TEST(AllowList, RejectsOutOfRangeParam) {
  expect_rejected("--param=max-unroll-times=99999999999999999999", "integer in");
  expect_rejected("--param=max-unroll-times=65", "integer in");
  expect_rejected("--param=max-unroll-times=0", "integer in");
  expect_rejected("--param=max-unroll-times=-4", "integer in");
  expect_rejected("--param=max-unroll-times=0x10", "integer in");
  expect_rejected("--param=max-unroll-times=+4", "integer in");
  expect_rejected("--param=max-unroll-times=", "integer in");
  expect_rejected("--param=max-unroll-times", "needs a value");
  EXPECT_EQ(reason("--param=max-unroll-times=64"), "");
}

TEST(AllowList, RejectsSemanticFlags) {
  for (const char* f : {"-fwrapv", "-fno-strict-aliasing", "-fstrict-aliasing", "-fno-delete-null-pointer-checks",
                        "-fno-exceptions", "-fno-rtti", "-fPIC", "-fpic", "-fPIE", "-fno-common", "-ffp-contract=fast",
                        "-fsigned-char", "-funsigned-char", "-fshort-enums", "-fno-builtin", "-ffreestanding",
                        "-fstack-protector-strong", "-fno-stack-protector"}) {
    expect_rejected_both(f, "semantic flag");
  }
}

TEST(AllowList, MarchAndMtune) {
  EXPECT_EQ(reason("-march=native"), "");
  EXPECT_EQ(reason("-march=x86-64-v4", CompilerFamily::Clang), "");
  EXPECT_EQ(reason("-march=znver3"), "");
  EXPECT_EQ(reason("-mtune=generic"), "");
  EXPECT_EQ(reason("-mtune=icelake-server", CompilerFamily::Clang), "");
  expect_rejected("-march=generic", "unknown cpu");   // gcc accepts generic only for -mtune
  expect_rejected("-mtune=x86-64-v3", "unknown cpu"); // and x86-64-vN only for -march
  expect_rejected("-march=pentium-evil", "unknown cpu");
  expect_rejected("-march=Haswell", "unknown cpu");
  expect_rejected("-march=", "unknown cpu");
  expect_rejected("-march", "needs a value");
  expect_rejected("-march=" + std::string(40, 'a'), "unknown cpu");
  expect_rejected("-march=../../x", "character");
}

TEST(AllowList, RejectsContradictions) {
  auto v = check_config(config_of({"-funroll-loops", "-fno-unroll-loops"}), CompilerFamily::Gcc);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].reason.find("same option"), std::string::npos);
  // clang refuses a repeated -mllvm knob outright.
  v = check_config(config_of({"-mllvm -unroll-threshold=100", "-mllvm -unroll-threshold=200"}), CompilerFamily::Clang);
  EXPECT_EQ(v.size(), 1u);
}

TEST(AllowList, RejectsDeclaredConflicts) {
  auto v = check_config(config_of({"-fprefetch-loop-arrays"}, "-Os"), CompilerFamily::Gcc);
  ASSERT_EQ(v.size(), 1u) << describe_violations(v);
  EXPECT_NE(v[0].reason.find("conflicts with -Os"), std::string::npos);
}

// ---- pipelines (the grammar is checked in flags_pipeline_check_test.cpp) -------

TEST(AllowList, PipelineIsClangOnly) {
  auto v = check_config(config_of({}, "-O2", "function(sroa)"), CompilerFamily::Gcc);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].option, "pipeline");
  EXPECT_NE(v[0].reason.find("clang-only"), std::string::npos);
}

TEST(AllowList, ReportsThePipelineChecksReason) {
  auto v = check_config(config_of({}, "", "function(licm)"), CompilerFamily::Clang);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].option, "pipeline");
  EXPECT_EQ(v[0].reason, check_pipeline(option_table(CompilerFamily::Clang), CompilerFamily::Clang, "function(licm)"));
}

// ---- messages -------------------------------------------------------------------

TEST(AllowList, DescribeViolationsIsOneBoundedLine) {
  auto v = check_config(config_of({"-fplugin=x.so", std::string("-f\nevil"), "-fwrapv"}, "-O5"), CompilerFamily::Gcc);
  ASSERT_EQ(v.size(), 4u);
  std::string d = describe_violations(v);
  EXPECT_EQ(d.find('\n'), std::string::npos) << d;
  EXPECT_NE(d.find("-fplugin=x.so"), std::string::npos);
  EXPECT_NE(d.find("-O5"), std::string::npos);
  EXPECT_EQ(describe_violations({}), "");
}

// ---- the option table and the allow-list agree ------------------------------------

// Whatever the table lists must pass the allow-list (with unsafe groups enabled):
// the search space and the gate read the same data and must agree.
TEST(OptionTable, EveryEntryPassesTheAllowList) {
  SafetyPolicy all;
  all.allow_unsafe_math = true;
  for (auto family : {CompilerFamily::Gcc, CompilerFamily::Clang}) {
    const auto& t = option_table(family);
    std::vector<std::string> spellings;
    for (const auto& f : t.flags) {
      if (f.kind == "bool") {
        spellings.push_back(f.name);
        spellings.push_back(f.name.substr(0, 2) + "no-" + f.name.substr(2));
      } else if (f.kind == "enum") {
        for (const auto& v : f.values) {
          spellings.push_back(f.name + "=" + v);
        }
      } else {
        spellings.push_back(f.name + "=" + std::to_string(f.min));
        spellings.push_back(f.name + "=" + std::to_string(f.max));
      }
    }
    for (const auto& p : t.params) {
      spellings.push_back("--param=" + p.name + "=" + std::to_string(p.min));
      spellings.push_back("--param=" + p.name + "=" + std::to_string(p.max));
    }
    for (const auto& k : t.mllvm) {
      long lo = k.values.empty() ? k.min : k.values.front();
      long hi = k.values.empty() ? k.max : k.values.back();
      spellings.push_back("-mllvm -" + k.name + "=" + std::to_string(lo));
      spellings.push_back("-mllvm -" + k.name + "=" + std::to_string(hi));
    }
    for (const auto& c : t.cpus) {
      spellings.push_back("-march=" + c);
      spellings.push_back("-mtune=" + c);
    }
    for (const auto& s : spellings) {
      auto v = check_config(config_of({s}), family, all);
      EXPECT_TRUE(v.empty()) << family_name(family) << " " << s << ": " << describe_violations(v);
    }
    for (const auto& o : t.opt_levels) {
      EXPECT_TRUE(check_config(config_of({}, o), family).empty()) << o;
    }
  }
}
