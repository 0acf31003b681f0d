#include "hwdetect/host.h"
#include "hwdetect/native_target.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

using namespace llmcc::hw;

namespace {

// Trimmed from gcc 12 `-march=native -Q --help=target`, keeping the lines that trip
// naive parsers: aliases, tuning switches with ISA-like names, "-mtune-ctrl=", and the
// "Known valid arguments" trailer.
constexpr const char* k_gcc_sample = R"(The following options are target specific:
  -m128bit-long-double        		[enabled]
  -m64                        		[enabled]
  -m80387                     		[enabled]
  -mabm                       		[enabled]
  -madx                       		[enabled]
  -maes                       		[enabled]
  -mamx-tile                  		[disabled]
  -march=                     		znver3
  -masm=                      		att
  -mavx                       		[enabled]
  -mavx2                      		[enabled]
  -mavx256-split-unaligned-load 	[enabled]
  -mavx512f                   		[disabled]
  -mbmi                       		[enabled]
  -mbmi2                      		[enabled]
  -mfma                       		[enabled]
  -mfma4                      		[disabled]
  -mfpmath=                   		sse
  -mmovbe                     		[enabled]
  -mpclmul                    		[enabled]
  -mpopcnt                    		[enabled]
  -msse                       		[enabled]
  -msse2avx                   		[enabled]
  -msse4.1                    		[enabled]
  -msse4.2                    		[enabled]
  -mssse3                     		[enabled]
  -msse5                      		-mavx
  -msseregparm                		[disabled]
  -mtune-ctrl=                		
  -mtune=                     		znver3
  -mvpclmulqdq                		[enabled]

  Known valid arguments for -march= option:
    i386 i486 i586 pentium lakemont pentium-mmx winchip-c6 znver3 native

  Known valid arguments for -mtune= option:
    generic i386 i486 znver3
)";

constexpr const char* k_clang_sample =
    R"(Debian clang version 14.0.6
Target: x86_64-pc-linux-gnu
Thread model: posix
InstalledDir: /usr/bin
 (in-process)
 "/usr/lib/llvm-14/bin/clang" "-cc1" "-triple" "x86_64-pc-linux-gnu" "-E" "-main-file-name" "-" "-target-cpu" "icelake-server" "-target-feature" "-avx512pf" "-target-feature" "+cx16" "-target-feature" "+avx2" "-target-feature" "-amx-tile" "-target-feature" "+sse4.2" "-fcoverage-compilation-dir=/tmp/a \"b\" \\c" "-o" "-" "-x" "c" "-"
)";

bool executable(const char* path) {
  return ::access(path, X_OK) == 0;
}

// Names both sides spell alike (clang/gcc "bmi" is the host's "bmi1").
struct NamePair {
  const char* host;
  const char* compiler;
};
constexpr NamePair k_common[] = {
    {"sse2", "sse2"},         {"sse3", "sse3"},         {"ssse3", "ssse3"},
    {"sse4.1", "sse4.1"},     {"sse4.2", "sse4.2"},     {"popcnt", "popcnt"},
    {"avx", "avx"},           {"avx2", "avx2"},         {"fma", "fma"},
    {"f16c", "f16c"},         {"bmi1", "bmi"},          {"bmi2", "bmi2"},
    {"lzcnt", "lzcnt"},       {"movbe", "movbe"},       {"aes", "aes"},
    {"pclmul", "pclmul"},     {"adx", "adx"},           {"avx512f", "avx512f"},
    {"avx512bw", "avx512bw"}, {"avx512vl", "avx512vl"},
};

} // namespace

TEST(NativeTargetParse, GccTargetHelp) {
  auto t = parse_gcc_target_help(k_gcc_sample);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->cpu, "znver3");
  EXPECT_EQ(t->tune, "znver3");
  std::vector<std::string> want = {"+adx",  "+aes",    "+avx",    "+avx2",   "+bmi",
                                   "+bmi2", "+fma",    "+movbe",  "+pclmul", "+popcnt",
                                   "+sse",  "+sse4.1", "+sse4.2", "+ssse3",  "+vpclmulqdq"};
  EXPECT_EQ(t->features, want);
  EXPECT_TRUE(t->enables("avx2"));
  EXPECT_FALSE(t->enables("avx512f")); // shown [disabled]
  EXPECT_FALSE(t->enables("sse2avx")); // assembler switch, not an ISA
  EXPECT_FALSE(t->enables("m64"));
}

TEST(NativeTargetParse, GccWithoutMarchIsAnError) {
  auto t =
      parse_gcc_target_help("The following options are target specific:\n  -mavx2  [enabled]\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("-march="), std::string::npos);
  EXPECT_FALSE(parse_gcc_target_help("").ok());
}

TEST(NativeTargetParse, GccIsaOptionFilter) {
  for (const char* yes : {"avx2", "avx512vnni", "sse4.1", "ssse3", "fma", "bmi2", "popcnt", "lzcnt",
                          "sha", "gfni", "vaes", "vpclmulqdq", "amx-tile", "f16c"}) {
    EXPECT_TRUE(is_gcc_isa_option(yes)) << yes;
  }
  for (const char* no : {"64", "80387", "abi=", "arch=", "avx256-split-unaligned-store", "sse2avx",
                         "sseregparm", "tune=", "red-zone", "shstk-foo="}) {
    EXPECT_FALSE(is_gcc_isa_option(no)) << no;
  }
}

TEST(NativeTargetParse, ClangDriverOutput) {
  auto t = parse_clang_driver_output(k_clang_sample);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->cpu, "icelake-server");
  EXPECT_EQ(t->tune, "");
  std::vector<std::string> want = {"-avx512pf", "+cx16", "+avx2", "-amx-tile", "+sse4.2"};
  EXPECT_EQ(t->features, want);
  EXPECT_TRUE(t->enables("avx2"));
  EXPECT_FALSE(t->enables("amx-tile"));
  EXPECT_TRUE(t->mentions("amx-tile"));
  EXPECT_FALSE(t->mentions("avx512f"));
}

TEST(NativeTargetParse, ClangTuneCpu) {
  auto t = parse_clang_driver_output(
      R"( "clang" "-cc1" "-target-cpu" "x86-64" "-tune-cpu" "generic" "-target-feature" "+sse2")");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->cpu, "x86-64");
  EXPECT_EQ(t->tune, "generic");
}

TEST(NativeTargetParse, ClangWithoutTargetCpuIsAnError) {
  auto t = parse_clang_driver_output(
      "clang: error: the clang compiler does not support '-march=native'\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("-target-cpu"), std::string::npos);
  EXPECT_NE(t.error().message.find("does not support"), std::string::npos);
}

TEST(NativeTargetJson, HasAllFields) {
  NativeTarget t;
  t.cpu = "znver4";
  t.tune = "znver4";
  t.features = {"+avx512f"};
  nlohmann::json j = t.to_json();
  EXPECT_EQ(j["cpu"], "znver4");
  EXPECT_EQ(j["tune"], "znver4");
  EXPECT_EQ(j["features"], nlohmann::json::array({"+avx512f"}));
}

TEST(NativeResolve, MissingCompilerIsAnError) {
  auto t = resolve_native("/nonexistent/llmcc-no-such-cc");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("/nonexistent/llmcc-no-such-cc"), std::string::npos);
  EXPECT_FALSE(resolve_native("").ok());
}

TEST(NativeResolve, NonCompilerIsAnError) {
  if (!executable("/bin/true")) {
    GTEST_SKIP() << "/bin/true missing";
  }
  auto t = resolve_native("/bin/true");
  ASSERT_FALSE(t.ok());
  EXPECT_FALSE(t.error().message.empty());
}

TEST(NativeResolve, Gcc) {
  if (!executable("/usr/bin/gcc")) {
    GTEST_SKIP() << "/usr/bin/gcc missing";
  }
  auto t = resolve_native("/usr/bin/gcc");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_FALSE(t->cpu.empty());
  EXPECT_NE(t->cpu, "native");
  for (const auto& f : t->features) {
    EXPECT_EQ(f[0], '+') << f;
  }
  HostInfo host = detect_host();
  // gcc lists every ISA option it knows, so agreement is checked both ways.
  for (const auto& [host_name, cc_name] : k_common) {
    EXPECT_EQ(has_isa(host, host_name), t->enables(cc_name)) << host_name;
  }
}

TEST(NativeResolve, Clang) {
  if (!executable("/usr/bin/clang-14")) {
    GTEST_SKIP() << "/usr/bin/clang-14 missing";
  }
  auto t = resolve_native("/usr/bin/clang-14");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_FALSE(t->cpu.empty());
  EXPECT_NE(t->cpu, "native");
  HostInfo host = detect_host();
  // Only where clang states a sign does it constrain the host.
  for (const auto& [host_name, cc_name] : k_common) {
    if (t->enables(cc_name)) {
      EXPECT_TRUE(has_isa(host, host_name)) << "clang +" << cc_name;
    } else if (t->mentions(cc_name)) {
      EXPECT_FALSE(has_isa(host, host_name)) << "clang -" << cc_name;
    }
    if (has_isa(host, host_name) && t->mentions(cc_name)) {
      EXPECT_TRUE(t->enables(cc_name)) << "host " << host_name;
    }
  }
}
