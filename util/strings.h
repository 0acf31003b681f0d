#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace llmcc {

bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Option tables are arrays of C strings: is `s` one of them / does it start with one?
template <typename Table> bool equals_any(const Table& table, std::string_view s) {
  return std::any_of(std::begin(table), std::end(table), [&](std::string_view t) { return s == t; });
}
template <typename Table> bool starts_with_any(const Table& table, std::string_view s) {
  return std::any_of(std::begin(table), std::end(table), [&](std::string_view t) { return starts_with(s, t); });
}
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string to_lower(std::string_view s);
// Replaces every occurrence; used to strip checkout roots from text before hashing.
std::string replace_all(std::string s, std::string_view from, std::string_view to);

// Untrusted text (an HTTP error body, an LLM's rationale) made safe to print on
// one line: control characters become spaces, and it is cut at max_chars.
std::string one_line(std::string s, size_t max_chars);

// Splits a command string the way a POSIX shell splits words (quotes and
// backslashes), without expanding anything. Fails on unbalanced quotes.
bool split_shell_words(std::string_view s, std::vector<std::string>& out, std::string* error);
// Quotes an argv for display only (never executed through a shell).
std::string quote_for_display(const std::vector<std::string>& argv);

} // namespace llmcc
