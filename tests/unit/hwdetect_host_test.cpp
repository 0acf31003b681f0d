#include "hwdetect/host.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

using namespace llmcc::hw;

// The CI machine changes CPU between runs, so nothing here names a particular ISA
// beyond what the architecture itself guarantees.

namespace {

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string> v3_isa() {
  return {"avx",    "avx2", "bmi1", "bmi2", "cx16", "f16c",   "fma",    "lzcnt", "movbe",
          "popcnt", "sahf", "sse",  "sse2", "sse3", "sse4.1", "sse4.2", "ssse3"};
}

} // namespace

TEST(HostDetect, FingerprintIsStableAnd16Hex) {
  HostInfo a = detect_host();
  HostInfo b = detect_host();
  std::string fp = a.fingerprint();
  EXPECT_EQ(fp.size(), 16u);
  EXPECT_TRUE(is_hex(fp)) << fp;
  EXPECT_EQ(fp, b.fingerprint());
  EXPECT_EQ(a.hw_class(), b.hw_class());
  EXPECT_EQ(a.isa, b.isa);
}

TEST(HostDetect, IsaIsSortedUniqueLowerCase) {
  HostInfo host = detect_host();
  EXPECT_TRUE(std::is_sorted(host.isa.begin(), host.isa.end()));
  EXPECT_EQ(std::set<std::string>(host.isa.begin(), host.isa.end()).size(), host.isa.size());
  for (const auto& f : host.isa) {
    EXPECT_FALSE(f.empty());
    EXPECT_TRUE(std::none_of(f.begin(), f.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) << f;
  }
}

TEST(HostDetect, X86BasicsAndImplications) {
#if defined(__x86_64__)
  HostInfo host = detect_host();
  EXPECT_EQ(host.arch, "x86_64");
  EXPECT_FALSE(host.vendor.empty());
  EXPECT_GT(host.family, 0);
  EXPECT_TRUE(has_isa(host, "sse"));
  EXPECT_TRUE(has_isa(host, "sse2"));
  EXPECT_EQ(host.isa_level.rfind("x86-64", 0), 0u) << host.isa_level;
  EXPECT_EQ(host.isa_level, x86_isa_level(host.isa));
  // Features that need OS-saved AVX state imply the AVX state itself is there.
  if (has_isa(host, "avx512f")) {
    EXPECT_TRUE(has_isa(host, "avx2"));
    EXPECT_TRUE(has_isa(host, "avx"));
  }
  if (has_isa(host, "avx2") || has_isa(host, "fma") || has_isa(host, "f16c")) {
    EXPECT_TRUE(has_isa(host, "avx"));
  }
  for (const char* f : {"avx512bw", "avx512dq", "avx512cd", "avx512vl", "avx512vnni"}) {
    if (has_isa(host, f)) {
      EXPECT_TRUE(has_isa(host, "avx512f")) << f;
    }
  }
  if (host.isa_level == "x86-64-v4") {
    EXPECT_TRUE(has_isa(host, "avx512f"));
  }
#else
  GTEST_SKIP() << "not x86_64";
#endif
}

TEST(HostDetect, HwClassNamesArchVendorAndLevel) {
  HostInfo host = detect_host();
  std::string cls = host.hw_class();
  EXPECT_NE(cls.find(host.arch), std::string::npos) << cls;
  EXPECT_EQ(std::count(cls.begin(), cls.end(), '/'), 2) << cls;
  if (!host.arch.empty() && !host.vendor.empty() && !host.isa_level.empty()) {
    EXPECT_EQ(cls, host.arch + "/" + host.vendor + "/" + host.isa_level);
  }
}

TEST(HostDetect, HasIsaIgnoresCaseAndRejectsUnknown) {
  HostInfo host;
  host.isa = {"avx2", "sse2"};
  EXPECT_TRUE(has_isa(host, "avx2"));
  EXPECT_TRUE(has_isa(host, "AVX2"));
  EXPECT_FALSE(has_isa(host, "avx"));
  EXPECT_FALSE(has_isa(host, "no-such-feature"));
  EXPECT_FALSE(has_isa(detect_host(), "no-such-feature"));
}

TEST(HostDetect, CountsAndCachesAreSane) {
  HostInfo host = detect_host();
  EXPECT_GE(host.logical_cpus, 1);
  EXPECT_GE(host.physical_cores, 1);
  EXPECT_LE(host.physical_cores, host.logical_cpus);
  // sysfs may be absent (containers); when present, entries must be well formed.
  for (const auto& c : host.caches) {
    EXPECT_GE(c.level, 1);
    EXPECT_LE(c.level, 5);
    EXPECT_FALSE(c.type.empty());
    EXPECT_GE(c.size_kb, 0);
    EXPECT_GE(c.shared_by, 0);
  }
}

TEST(HostDetect, ToJsonHasEveryField) {
  HostInfo host = detect_host();
  nlohmann::json j = host.to_json();
  for (const char* key :
       {"arch", "vendor", "family", "model", "stepping", "model_name", "isa", "isa_level", "caches",
        "logical_cpus", "physical_cores", "fingerprint", "class"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["fingerprint"], host.fingerprint());
  EXPECT_EQ(j["class"], host.hw_class());
  EXPECT_EQ(j["isa"].size(), host.isa.size());
  EXPECT_EQ(j["caches"].size(), host.caches.size());
}

TEST(HostFingerprint, IgnoresCoreCountsAndBrand) {
  HostInfo host = detect_host();
  HostInfo other = host;
  other.logical_cpus += 8;
  other.physical_cores += 4;
  other.model_name = "Some Other Brand String";
  EXPECT_EQ(host.fingerprint(), other.fingerprint());
  // Cache order from sysfs does not matter either.
  std::reverse(other.caches.begin(), other.caches.end());
  EXPECT_EQ(host.fingerprint(), other.fingerprint());
}

TEST(HostFingerprint, ChangesWithIdentityIsaAndCaches) {
  HostInfo base;
  base.arch = "x86_64";
  base.vendor = "GenuineIntel";
  base.family = 6;
  base.model = 143;
  base.stepping = 8;
  base.isa = v3_isa();
  base.caches = {{1, "Data", 48, 64, 2}, {2, "Unified", 2048, 64, 2}};
  const std::string fp = base.fingerprint();

  HostInfo h = base;
  h.stepping = 7;
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.vendor = "AuthenticAMD";
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.model = 144;
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.isa.push_back("avx512f");
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.caches[1].size_kb = 1024;
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.caches[0].type = "Instruction";
  EXPECT_NE(h.fingerprint(), fp);
  h = base;
  h.arch = "aarch64";
  EXPECT_NE(h.fingerprint(), fp);
}

TEST(HostIsaLevel, FollowsPsAbiDefinitions) {
  EXPECT_EQ(x86_isa_level({}), "x86-64");
  EXPECT_EQ(x86_isa_level({"sse", "sse2"}), "x86-64");
  EXPECT_EQ(
      x86_isa_level({"cx16", "sahf", "popcnt", "sse", "sse2", "sse3", "sse4.1", "sse4.2", "ssse3"}),
      "x86-64-v2");
  // v2 needs cmpxchg16b and lahf/sahf, not just the SSE4.2 family.
  EXPECT_EQ(x86_isa_level({"popcnt", "sse", "sse2", "sse3", "sse4.1", "sse4.2", "ssse3"}),
            "x86-64");
  EXPECT_EQ(x86_isa_level(v3_isa()), "x86-64-v3");
  auto no_movbe = v3_isa();
  no_movbe.erase(std::find(no_movbe.begin(), no_movbe.end(), "movbe"));
  EXPECT_EQ(x86_isa_level(no_movbe), "x86-64-v2");
  auto v4 = v3_isa();
  v4.insert(v4.end(), {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"});
  EXPECT_EQ(x86_isa_level(v4), "x86-64-v4");
  auto no_vl = v4;
  no_vl.pop_back();
  EXPECT_EQ(x86_isa_level(no_vl), "x86-64-v3");
}

TEST(HostSysfsParsing, CpuListsAndCacheSizes) {
  EXPECT_EQ(count_cpu_list("0"), 1);
  EXPECT_EQ(count_cpu_list("0-1\n"), 2);
  EXPECT_EQ(count_cpu_list("0-3,8,10-11"), 7);
  EXPECT_EQ(count_cpu_list(""), 0);
  EXPECT_EQ(count_cpu_list("3-1,x,5"), 1);
  EXPECT_EQ(parse_cache_size_kb("32K\n"), 32);
  EXPECT_EQ(parse_cache_size_kb("1024K"), 1024);
  EXPECT_EQ(parse_cache_size_kb("32M"), 32768);
  EXPECT_EQ(parse_cache_size_kb("512"), 512);
  EXPECT_EQ(parse_cache_size_kb(""), 0);
  EXPECT_EQ(parse_cache_size_kb("lots"), 0);
}
