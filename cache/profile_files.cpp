#include "cache/profile_files.h"

namespace llmcc {

std::string profiles_dir(const std::string& cache_dir) { return cache_dir + "/profiles"; }

std::string profile_file(const std::string& cache_dir, const std::string& hash, const std::string& family) {
  return profiles_dir(cache_dir) + "/" + hash + (family == "gcc" ? ".gcda" : ".profdata");
}

std::string gcda_relative_name(const std::string& output_abs) {
  std::string stem = output_abs;
  size_t slash = stem.rfind('/');
  size_t dot = stem.rfind('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash + 1)) {
    stem.resize(dot);
  }
  return stem + ".gcda";
}

std::string gcda_mangled_name(const std::string& output_abs) {
  std::string name = gcda_relative_name(output_abs);
  for (char& c : name) {
    if (c == '/') {
      c = '#';
    }
  }
  return "/" + name;
}

} // namespace llmcc
