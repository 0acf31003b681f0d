// Where trained profiles live: llmcc's state directory, never the user's source
// or build tree. A profile's file name is its content hash, so whoever holds
// the hash (a winner's config, a bundle) names exactly one file.
#pragma once

#include <string>

namespace llmcc {

// <cache_dir>/profiles
std::string profiles_dir(const std::string& cache_dir);
// <cache_dir>/profiles/<hash>.gcda (gcc) or .profdata (clang)
std::string profile_file(const std::string& cache_dir, const std::string& hash, const std::string& family);

// gcc names a .gcda after the object path: -fprofile-generate=DIR writes, and
// -fprofile-use=DIR reads, DIR + this (the absolute object path without its
// last extension, + ".gcda") when -o is absolute, and DIR/ + the same path
// with '/' spelled '#' when -o is relative. The wrapper lays out both.
std::string gcda_relative_name(const std::string& output_abs);
std::string gcda_mangled_name(const std::string& output_abs);

} // namespace llmcc
