#include "flags/option_syntax.h"

namespace llmcc {

namespace {

bool begins(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Splits "name=value" at the first '='.
void split_value(std::string_view text, std::string& name, OptionParts& parts) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    name = std::string(text);
    return;
  }
  name = std::string(text.substr(0, eq));
  parts.has_value = true;
  parts.value = std::string(text.substr(eq + 1));
}

} // namespace

bool is_opt_level(std::string_view token) {
  if (!begins(token, "-O")) {
    return false;
  }
  for (char c : token.substr(2)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) {
      return false;
    }
  }
  return true;
}

OptionParts split_option(std::string_view option) {
  OptionParts parts;
  if (is_opt_level(option)) {
    parts.form = OptionForm::OptLevel;
    // Built, not assigned from a literal: gcc 12 warns falsely (-Wrestrict, PR105329)
    // on assigning a short literal to a std::string member here.
    parts.identity = std::string(1, 'O');
    parts.name = std::string(option);
    return parts;
  }
  if (begins(option, "--param=")) {
    parts.form = OptionForm::Param;
    split_value(option.substr(8), parts.name, parts);
    parts.identity = "param:" + parts.name;
    return parts;
  }
  if (begins(option, "-mllvm ")) {
    std::string_view knob = option.substr(7);
    // LLVM accepts both -name and --name for the same knob.
    if (begins(knob, "--")) {
      knob.remove_prefix(2);
    } else if (begins(knob, "-")) {
      knob.remove_prefix(1);
    }
    parts.form = OptionForm::Mllvm;
    split_value(knob, parts.name, parts);
    parts.identity = "mllvm:" + parts.name;
    return parts;
  }
  bool is_f = begins(option, "-f");
  bool is_m = begins(option, "-m") && !begins(option, "-mllvm");
  if ((is_f || is_m) && option.size() > 2) {
    std::string_view rest = option.substr(2);
    if (begins(rest, "no-")) {
      parts.negated = true;
      rest.remove_prefix(3);
    }
    std::string base;
    split_value(rest, base, parts);
    if (base.empty()) {
      return OptionParts{};
    }
    parts.form = OptionForm::Flag;
    parts.name = std::string(is_f ? "-f" : "-m") + base;
    parts.identity = std::string(is_f ? "f:" : "m:") + base;
    return parts;
  }
  return parts;
}

bool matches_pattern(std::string_view option, std::string_view pattern) {
  if (!pattern.empty() && pattern.back() == '*') {
    return begins(option, pattern.substr(0, pattern.size() - 1));
  }
  return option == pattern;
}

} // namespace llmcc
