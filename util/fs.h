// Small file-system helpers with errors as values.
#pragma once

#include "util/expected.h"

#include <optional>
#include <string>
#include <vector>

namespace llmcc::fs {

Expected<std::string> read_file(const std::string& path);
// Writes to a temporary file and renames it over path, so readers never see half a file.
Status write_file_atomic(const std::string& path, std::string_view content);
Status make_dirs(const std::string& path);
bool exists(const std::string& path);
bool is_executable_file(const std::string& path);
std::string real_path(const std::string& path); // "" if it does not resolve
std::string absolute(const std::string& path, const std::string& cwd);
std::string dir_name(const std::string& path);
std::string base_name(const std::string& path);
std::string current_dir();
// Path of `path` relative to `root` if it lies under it, else nullopt.
std::optional<std::string> relative_to(const std::string& path, const std::string& root);
// First executable named `name` in $PATH for which `accept(path)` is true.
std::string find_in_path(const std::string& name, bool (*accept)(const std::string&, const void*),
                         const void* ctx);
std::string home_dir();
std::string self_exe(); // /proc/self/exe resolved

struct FileStamp {
  long long mtime_ns = 0;
  long long size = -1;
  bool ok() const { return size >= 0; }
};
FileStamp stamp(const std::string& path);

} // namespace llmcc::fs
