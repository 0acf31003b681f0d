// The field checks every entry arriving from outside passes (winners and trial
// history rows alike): keys, names, paths and numbers, each refused unless it
// has the plain shape llmcc writes itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmcc::bundle_fields {

inline constexpr size_t kMaxKeyChars = 128;
inline constexpr size_t kMaxPathChars = 4096;

bool is_hex(const std::string& s);
// Names and classes are compared, never executed, but they end up in tables
// and terminals: only a plain alphabet (plus `extra`).
bool is_plain_name(const std::string& s, std::string_view extra);
bool has_control(const std::string& s);
// Why a project-relative path could climb out of the checkout ("" when it cannot).
std::string path_problem(const std::string& rel);
bool finite_in(double v, double lo, double hi);
// A name from outside as it may be printed: at most 200 bytes, controls as '?'.
std::string printable_name(const std::string& s);

} // namespace llmcc::bundle_fields
