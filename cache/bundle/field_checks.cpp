#include "cache/bundle/field_checks.h"

#include "util/strings.h"

#include <cmath>

namespace llmcc::bundle_fields {

bool is_hex(const std::string& s) {
  if (s.empty() || s.size() > kMaxKeyChars) {
    return false;
  }
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool is_plain_name(const std::string& s, std::string_view extra) {
  if (s.empty() || s.size() > kMaxKeyChars) {
    return false;
  }
  for (char c : s) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool has_control(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

std::string path_problem(const std::string& rel) {
  if (rel.empty() || rel.size() > kMaxPathChars) {
    return "empty or overlong path";
  }
  if (has_control(rel)) {
    return "control characters in the path";
  }
  if (rel.front() == '/') {
    return "absolute path";
  }
  for (const auto& part : split(rel, '/', false)) {
    if (part == ".." || part == "." || part.empty()) {
      return "path has '..', '.' or empty components";
    }
  }
  return "";
}

bool finite_in(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

std::string printable_name(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 200)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out;
}

} // namespace llmcc::bundle_fields
