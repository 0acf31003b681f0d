#include "wrapper/compiler_lookup.h"

#include <fmt/format.h>

#include <array>
#include <regex>

#include "cache/local/store.h"
#include "config/config.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/invocation.h"

namespace llmcc {

bool is_llmcc_binary(const std::string& path) {
  static const std::string self = fs::self_exe();
  std::string real = fs::real_path(path);
  if (!real.empty() && real == self) {
    return true;
  }
  return starts_with(fs::base_name(path), "llmcc") || starts_with(fs::base_name(real), "llmcc");
}

static bool accept_not_llmcc(const std::string& path, const void*) { return !is_llmcc_binary(path); }

Expected<std::string> find_real_compiler(const std::string& invoked_as, bool is_cxx,
                                         const Config& config) {
  const std::string key = is_cxx ? "cxx" : "cc";
  const ConfigValue& configured = config.get(key);
  if (!configured.value.empty()) {
    std::string path = configured.value.find('/') == std::string::npos
                           ? fs::find_in_path(configured.value, &accept_not_llmcc, nullptr)
                           : configured.value;
    if (path.empty() || !fs::is_executable_file(path)) {
      return Error{fmt::format("the compiler '{}' set by {} ({}) was not found", configured.value,
                               key, configured.source.empty() ? "config" : configured.source)};
    }
    if (is_llmcc_binary(path)) {
      return Error{fmt::format("{} ({}) points back at llmcc itself; set it to the real compiler",
                               key, configured.source)};
    }
    return path;
  }
  std::vector<std::string> names;
  if (!starts_with(invoked_as, "llmcc")) {
    names.push_back(invoked_as); // ccache-style symlink named after the compiler
  } else if (is_cxx) {
    names = {"c++", "g++", "clang++"};
  } else {
    names = {"cc", "gcc", "clang"};
  }
  for (const auto& n : names) {
    std::string p = fs::find_in_path(n, &accept_not_llmcc, nullptr);
    if (!p.empty()) {
      return p;
    }
  }
  return Error{fmt::format("no real {} compiler found in PATH (looked for {}); set LLMCC_{}",
                           is_cxx ? "C++" : "C", join(names, ", "), is_cxx ? "CXX" : "CC")};
}

Expected<std::string> resolve_real_compiler(const Invocation& inv, const Config& config) {
  if (!inv.launcher) {
    return find_real_compiler(inv.invoked_as, inv.is_cxx, config);
  }
  std::string path = resolve_program(inv.compiler);
  if (path.empty()) {
    return Error{fmt::format("compiler '{}' not found in PATH", inv.compiler)};
  }
  return path;
}

bool looks_like_compiler(const std::string& word) {
  if (word.empty() || word[0] == '-' || word[0] == '@') {
    return false;
  }
  static const std::regex compiler_name(
      R"(^([\w.+-]*-)?(cc|c\+\+|gcc|g\+\+|clang|clang\+\+|icc|icpc|icx|icpx)(-[0-9.]+)?$)");
  std::string base = fs::base_name(word);
  if (std::regex_match(base, compiler_name)) {
    return true;
  }
  // Any other executable given by path (a distcc, a cross compiler with an
  // unusual name) is also a launcher target; a source file never is.
  return word.find('/') != std::string::npos && fs::is_executable_file(word);
}

std::string resolve_program(const std::string& word) {
  if (word.find('/') != std::string::npos) {
    return word;
  }
  return fs::find_in_path(word, &accept_not_llmcc, nullptr);
}

void parse_version_text(const std::string& text, CompilerFamily& family, std::string& version) {
  family = CompilerFamily::Unknown;
  if (text.find("clang version") != std::string::npos) {
    family = CompilerFamily::Clang;
  } else if (text.find("Free Software Foundation") != std::string::npos ||
             text.find("(GCC)") != std::string::npos || starts_with(text, "gcc") ||
             starts_with(text, "g++")) {
    family = CompilerFamily::Gcc;
  }
  static const std::regex version_re(R"(([0-9]+\.[0-9]+(\.[0-9]+)?))");
  std::string first_line = text.substr(0, text.find('\n'));
  std::smatch m;
  // Some drivers say "clang version" only on a later line; then the first line
  // is the one that carries their version.
  const size_t clang_at = first_line.find("clang version");
  std::string target = family == CompilerFamily::Clang && clang_at != std::string::npos
                           ? first_line.substr(clang_at)
                           : first_line;
  if (std::regex_search(target, m, version_re)) {
    version = m[1];
  }
}

Expected<CompilerIdentity> compiler_identity(const std::string& compiler_path, Store* store) {
  std::string real = fs::real_path(compiler_path);
  if (real.empty()) {
    return Error{fmt::format("compiler {} not found", compiler_path)};
  }
  fs::FileStamp st = fs::stamp(real);
  if (store) {
    auto cached = store->find_compiler(real, st.mtime_ns, st.size);
    if (cached && *cached) {
      return **cached;
    }
  }
  CompilerIdentity id;
  id.path = real;
  id.mtime_ns = st.mtime_ns;
  id.size = st.size;
  ProcessOptions opts;
  opts.argv = {compiler_path, "--version"};
  opts.timeout_sec = 30;
  auto ver = run_process(opts);
  if (!ver || !ver->success()) {
    return Error{fmt::format("{} --version failed", compiler_path)};
  }
  id.version_text = trim(ver->out.substr(0, ver->out.find('\n')));
  parse_version_text(ver->out, id.family, id.version);
  if (id.family == CompilerFamily::Gcc) {
    opts.argv = {compiler_path, "-dumpfullversion"};
    if (auto full = run_process(opts); full && full->success() && !trim(full->out).empty()) {
      id.version = trim(full->out);
    }
  }
  opts.argv = {compiler_path, "-dumpmachine"};
  if (auto m = run_process(opts); m && m->success()) {
    id.target = trim(m->out);
  }
  auto bin = hash_file_hex(real);
  id.binary_hash = bin ? *bin : std::string();
  Hasher h;
  h.field(family_name(id.family)).field(id.version).field(id.target).field(id.binary_hash);
  id.id = h.hex().substr(0, 16);
  if (store) {
    if (Status s = store->put_compiler(id); !s) {
      log::debug("could not cache compiler identity: {}", s.message());
    }
  }
  return id;
}

} // namespace llmcc
