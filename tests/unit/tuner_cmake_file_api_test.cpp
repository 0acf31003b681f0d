// The CMake File API reader against real projects configured by the installed cmake.
#include "tuner/cmake_file_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool have_program(const std::string& name) {
  return !fs::find_in_path(
              name, [](const std::string&, const void*) { return true; }, nullptr)
              .empty();
}

class CMakeFileApiTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!have_program("cmake")) {
      GTEST_SKIP() << "cmake is not installed";
    }
    std::string templ = (std::filesystem::temp_directory_path() / "llmcc-fileapi-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    m_root = templ;
    m_src = m_root + "/src";
    write(m_src + "/CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.16)
project(fileapi_demo C CXX)
add_library(xlib STATIC lib/a.c lib/b.cpp lib/x.h)
target_include_directories(xlib PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/lib)
target_compile_definitions(xlib PRIVATE XLIB_LEVEL=3)
add_executable(app app/main.cpp)
target_link_libraries(app PRIVATE xlib)
target_compile_definitions(app PRIVATE APP_FEATURE=1)
target_compile_options(app PRIVATE -fno-strict-aliasing)
)");
    write(m_src + "/lib/x.h", "#pragma once\n#ifdef __cplusplus\nextern \"C\"\n#endif\nint xa(void);\nint xb();\n");
    write(m_src + "/lib/a.c", "#include \"x.h\"\nint xa(void) { return XLIB_LEVEL; }\n");
    write(m_src + "/lib/b.cpp", "#include \"x.h\"\nint xb() { return XLIB_LEVEL * 2; }\n");
    write(m_src + "/app/main.cpp", "#include \"x.h\"\nint main() { return xa() + xb() - 9 + APP_FEATURE - 1; }\n");
  }

  void TearDown() override {
    if (!m_root.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_root, ec);
    }
  }

  static void write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(fs::make_dirs(fs::dir_name(path)));
    std::ofstream(path) << text;
  }

  // Configures m_src into `build` with `generator`; false if cmake fails.
  bool configure(const std::string& build, const std::string& generator, const std::string& build_type = "") {
    ProcessOptions o;
    o.argv = {"cmake", "-S", m_src, "-B", build, "-G", generator};
    if (!build_type.empty()) {
      o.argv.push_back("-DCMAKE_BUILD_TYPE=" + build_type);
    }
    o.timeout_sec = 300;
    auto p = run_process(o);
    if (!p || !p->success()) {
      ADD_FAILURE() << "cmake failed: " << (p ? p->out + p->err : p.error().message);
      return false;
    }
    return true;
  }

  static std::string generator() { return have_program("ninja") ? "Ninja" : "Unix Makefiles"; }

  std::string m_root, m_src;
};

TEST_F(CMakeFileApiTest, ReadsTargetsSourcesAndFlags) {
  std::string build = m_root + "/build";
  ASSERT_TRUE(fs::make_dirs(build));
  EXPECT_FALSE(write_cmake_query(build)) << "not a CMake build dir yet";
  ASSERT_TRUE(configure(build, generator(), "Release"));
  EXPECT_FALSE(has_cmake_reply(build)) << "no query was written before configuring";
  EXPECT_FALSE(read_cmake_reply(build));

  ASSERT_TRUE(write_cmake_query(build));
  EXPECT_TRUE(fs::exists(build + "/.cmake/api/v1/query/client-llmcc/query.json"));
  ASSERT_TRUE(configure(build, generator(), "Release"));
  ASSERT_TRUE(has_cmake_reply(build));

  auto project = read_cmake_reply(build);
  ASSERT_TRUE(project) << project.error().message;
  EXPECT_EQ(project->source_dir, fs::real_path(m_src));
  EXPECT_EQ(project->build_dir, fs::real_path(build));
  EXPECT_EQ(project->generator, generator());
  EXPECT_FALSE(project->multi_config);
  EXPECT_EQ(project->config, "Release");
  EXPECT_EQ(project->cache.at("CMAKE_BUILD_TYPE"), "Release");
  ASSERT_EQ(project->targets.size(), 2u);

  const CMakeTarget* lib = project->find_target("xlib");
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->type, "STATIC_LIBRARY");
  ASSERT_EQ(lib->artifacts.size(), 1u);
  EXPECT_EQ(fs::base_name(lib->artifacts[0]), "libxlib.a");
  EXPECT_EQ(fs::dir_name(lib->artifacts[0]), fs::real_path(build));
  ASSERT_EQ(lib->sources.size(), 3u);
  const CMakeSource* a = lib->find_source(m_src + "/lib/a.c");
  const CMakeSource* b = lib->find_source(m_src + "/lib/b.cpp");
  const CMakeSource* h = lib->find_source(m_src + "/lib/x.h");
  ASSERT_TRUE(a && b && h);
  EXPECT_EQ(a->language, "C");
  EXPECT_EQ(b->language, "CXX");
  EXPECT_FALSE(h->compiled());
  EXPECT_TRUE(contains(a->defines, "XLIB_LEVEL=3"));
  ASSERT_FALSE(a->includes.empty());
  EXPECT_EQ(a->includes[0].path, fs::real_path(m_src) + "/lib");
  EXPECT_TRUE(contains(a->compile_flags(), "-O3")) << join(a->compile_flags(), " ");
  auto args = b->compile_args();
  EXPECT_TRUE(contains(args, "-DXLIB_LEVEL=3"));
  EXPECT_TRUE(contains(args, "-I" + fs::real_path(m_src) + "/lib"));

  const CMakeTarget* app = project->find_target("app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->type, "EXECUTABLE");
  ASSERT_EQ(app->artifacts.size(), 1u);
  EXPECT_EQ(app->artifacts[0], fs::real_path(build) + "/app");
  EXPECT_EQ(app->link_language, "CXX");
  EXPECT_TRUE(contains(app->dependencies, "xlib"));
  bool links_lib = false;
  for (const auto& f : app->link_fragments) {
    links_lib = links_lib || ends_with(f, "libxlib.a");
  }
  EXPECT_TRUE(links_lib) << join(app->link_fragments, " | ");
  ASSERT_EQ(app->sources.size(), 1u);
  const CMakeSource& main_cpp = app->sources[0];
  EXPECT_TRUE(contains(main_cpp.defines, "APP_FEATURE=1"));
  EXPECT_FALSE(contains(main_cpp.defines, "XLIB_LEVEL=3")) << "PRIVATE defines stay in their target";
  EXPECT_TRUE(contains(main_cpp.compile_flags(), "-fno-strict-aliasing"));

  auto owners = project->targets_of_source(m_src + "/lib/b.cpp");
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0]->name, "xlib");
  EXPECT_TRUE(project->targets_of_source(m_src + "/lib/x.h").empty()) << "headers are not TUs";

  std::vector<std::string> languages;
  for (const auto& tc : project->toolchains) {
    languages.push_back(tc.language);
    EXPECT_FALSE(tc.compiler_path.empty());
    EXPECT_FALSE(tc.compiler_id.empty());
  }
  EXPECT_TRUE(contains(languages, "C"));
  EXPECT_TRUE(contains(languages, "CXX"));
}

TEST_F(CMakeFileApiTest, LoadReconfiguresABuildDirWithoutReply) {
  std::string build = m_root + "/build";
  ASSERT_TRUE(configure(build, generator()));
  EXPECT_FALSE(load_cmake_project(build, /*reconfigure=*/false)) << "no reply and not allowed to reconfigure";
  auto project = load_cmake_project(build, /*reconfigure=*/true);
  ASSERT_TRUE(project) << project.error().message;
  EXPECT_NE(project->find_target("app"), nullptr);
  EXPECT_NE(project->find_target("xlib"), nullptr);
  // The reply now exists, so a second load needs no cmake run.
  EXPECT_TRUE(load_cmake_project(build, /*reconfigure=*/false));
}

TEST_F(CMakeFileApiTest, PicksTheConfigurationOfAMultiConfigBuild) {
  if (!have_program("ninja")) {
    GTEST_SKIP() << "ninja is not installed (needed for Ninja Multi-Config)";
  }
  std::string build = m_root + "/multi";
  ASSERT_TRUE(fs::make_dirs(build));
  ASSERT_TRUE(configure(build, "Ninja Multi-Config"));
  ASSERT_TRUE(write_cmake_query(build));
  ASSERT_TRUE(configure(build, "Ninja Multi-Config"));

  auto release = read_cmake_reply(build, "Release");
  ASSERT_TRUE(release) << release.error().message;
  EXPECT_TRUE(release->multi_config);
  EXPECT_TRUE(contains(release->configs, "Debug"));
  EXPECT_EQ(release->config, "Release");
  const CMakeTarget* app = release->find_target("app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->artifacts.at(0), fs::real_path(build) + "/Release/app");
  EXPECT_TRUE(contains(app->sources.at(0).compile_flags(), "-O3"));

  auto debug = read_cmake_reply(build, "Debug");
  ASSERT_TRUE(debug) << debug.error().message;
  const CMakeTarget* dapp = debug->find_target("app");
  ASSERT_NE(dapp, nullptr);
  EXPECT_EQ(dapp->artifacts.at(0), fs::real_path(build) + "/Debug/app");
  EXPECT_TRUE(contains(dapp->sources.at(0).compile_flags(), "-g"));
  EXPECT_FALSE(contains(dapp->sources.at(0).compile_flags(), "-O3"));

  EXPECT_FALSE(read_cmake_reply(build, "NoSuchConfig"));
}

} // namespace
} // namespace llmcc
