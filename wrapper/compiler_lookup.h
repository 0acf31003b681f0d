// Finding the real compiler behind llmcc, and knowing who it is.
#pragma once

#include "cache/records.h"
#include "util/expected.h"

#include <string>
#include <vector>

namespace llmcc {

class Config;
class Store;
struct Invocation;

// The real compiler this invocation runs, the one resolution shared by the
// compile path and the fall-back: the launcher word (looked up in PATH when it is
// a bare name), else find_real_compiler.
Expected<std::string> resolve_real_compiler(const Invocation& inv, const Config& config);

// Masquerade mode (CC=llmcc): the compiler named by LLMCC_CC/LLMCC_CXX or the
// config file, else the first cc/gcc/clang (c++/g++/clang++) in PATH that is not
// llmcc itself. `invoked_as` is argv[0]'s file name; when it is not an llmcc name
// (a symlink called gcc pointing at llmcc), the same name is looked up in PATH.
Expected<std::string> find_real_compiler(const std::string& invoked_as, bool is_cxx,
                                         const Config& config);

// True if `path` resolves to this very llmcc binary (or an llmcc-named file).
bool is_llmcc_binary(const std::string& path);

// Launcher mode (llmcc g++ -c ...): does argv[1] name a compiler to run?
bool looks_like_compiler(const std::string& word);
// Resolves a launcher-mode compiler word to a path (PATH lookup for bare names).
std::string resolve_program(const std::string& word);

// Identity of a compiler: cached in the store by (path, mtime, size), computed by
// running it (--version, -dumpmachine) only when the binary changed. `store` may be null.
Expected<CompilerIdentity> compiler_identity(const std::string& compiler_path, Store* store);

// Parses `--version` output into family and version ("gcc", "12.2.0"). Leaves
// `version` as it was when the text holds no version number.
void parse_version_text(const std::string& text, CompilerFamily& family, std::string& version);

} // namespace llmcc
