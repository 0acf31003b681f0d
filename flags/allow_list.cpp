#include "flags/allow_list.h"

#include "flags/option_syntax.h"
#include "flags/option_table.h"
#include "flags/pipeline_check.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace llmcc {

namespace {

constexpr size_t kMaxOptionChars = 256;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool begins(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string quoted_char(char c) { return std::string("'") + c + "'"; }

// Text problems that make an option unsafe whatever it is: what a shell, a build
// tool re-reading the command, or a C string would act on.
std::optional<std::string> hostile_text(std::string_view s) {
  if (s.empty()) {
    return "empty option";
  }
  if (s.size() > kMaxOptionChars) {
    return "longer than " + std::to_string(kMaxOptionChars) + " characters";
  }
  for (char c : s) {
    if (c == '\0') {
      return std::string("contains a NUL byte");
    }
    if (c == '\n' || c == '\r') {
      return std::string("contains a newline");
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return std::string("contains a control character");
    }
    if (std::string_view(";|&$`<>").find(c) != std::string_view::npos) {
      return "contains the shell metacharacter " + quoted_char(c);
    }
  }
  return std::nullopt;
}

struct DangerRule {
  std::string_view prefix;
  std::string_view reason;
};

// Options that must never come from a config, named so the rejection says why.
// Order matters: the first matching prefix gives the reason.
constexpr DangerRule kDangerRules[] = {
    {"@", "response file: would read further options from a file"},
    {"-fplugin", "loads a compiler plugin (arbitrary code)"},
    {"-fpass-plugin", "loads an LLVM pass plugin (arbitrary code)"},
    {"-fload-pass-plugin", "loads an LLVM pass plugin (arbitrary code)"},
    {"-fdump-", "writes compiler dump files"},
    {"-fprofile", "reads or writes profile files"},
    {"-fauto-profile", "reads profile files"},
    {"-wrapper", "runs the compiler's subprograms through another program"},
    {"-specs", "reads a specs file, which can run arbitrary commands"},
    {"--specs", "reads a specs file, which can run arbitrary commands"},
    {"-B", "changes where the compiler finds its own programs"},
    {"-save-temps", "writes intermediate files"},
    {"--save-temps", "writes intermediate files"},
    {"--sysroot", "changes the system root for headers and libraries"},
    {"-isysroot", "changes the system root for headers"},
    {"-include", "injects a header into the translation unit"},
    {"-imacros", "injects macros from a file"},
    {"-isystem", "adds a system include path"},
    {"-i", "adds include paths or headers"},
    {"-I", "adds an include path"},
    {"-D", "defines a macro (changes the program)"},
    {"-U", "undefines a macro (changes the program)"},
    {"-Wl,", "passes options to the linker"},
    {"-Wa,", "passes options to the assembler"},
    {"-Wp,", "passes options to the preprocessor"},
    {"-W", "warning options are not tunable"},
    {"-Xlinker", "passes options to the linker"},
    {"-Xassembler", "passes options to the assembler"},
    {"-Xpreprocessor", "passes options to the preprocessor"},
    {"-Xclang", "passes raw options to the clang front end"},
    {"-X", "passes raw options to another tool"},
    {"-o", "sets the output file"},
    {"-L", "adds a library search path"},
    {"-l", "links a library"},
    {"-x", "changes the source language"},
    {"-M", "writes dependency files"},
    {"-T", "sets a linker script"},
};

// The knobs of `-mllvm -load` and friends load shared objects into the compiler.
bool is_loading_knob(std::string_view knob) {
  return begins(knob, "load") || begins(knob, "pass-plugin") || begins(knob, "plugin");
}

std::optional<std::string> danger(std::string_view s) {
  if (begins(s, "-mllvm")) {
    std::string_view rest = s.substr(6);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '=' || rest.front() == '-')) {
      rest.remove_prefix(1);
    }
    if (is_loading_knob(rest)) {
      return std::string("-mllvm -load loads a shared library into the compiler (arbitrary code)");
    }
    return std::nullopt;
  }
  for (const auto& rule : kDangerRules) {
    if (begins(s, rule.prefix)) {
      return std::string(rule.reason);
    }
  }
  return std::nullopt;
}

// Characters real tunable options use; everything else is refused before parsing.
std::optional<std::string> bad_charset(std::string_view s) {
  bool mllvm = begins(s, "-mllvm ");
  int spaces = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-_=.,+:").find(c) != std::string_view::npos;
    if (c == ' ') {
      ++spaces;
      ok = mllvm && spaces == 1;
    }
    if (!ok) {
      if (c == ' ') {
        return std::string(mllvm ? "-mllvm takes exactly one knob: \"-mllvm -knob=N\""
                                 : "contains a space (one option per element)");
      }
      return "contains the character " + quoted_char(c) + ", which no tunable option uses";
    }
  }
  return std::nullopt;
}

// Decimal only: no sign unless the range allows negatives, no hex, no spaces, and
// short enough that overflow is impossible before the range check.
std::optional<long> parse_int(std::string_view s, bool allow_negative) {
  bool negative = false;
  if (allow_negative && !s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

std::string range_text(long min, long max) { return "[" + std::to_string(min) + ", " + std::to_string(max) + "]"; }

std::optional<std::string> check_int(std::string_view value, long min, long max, const std::vector<long>* values) {
  auto v = parse_int(value, min < 0);
  bool ok = v && *v >= min && *v <= max;
  if (ok && values && !values->empty()) {
    ok = std::find(values->begin(), values->end(), *v) != values->end();
  }
  if (ok) {
    return std::nullopt;
  }
  if (values && !values->empty()) {
    std::string list;
    for (long x : *values) {
      list += (list.empty() ? "" : "|") + std::to_string(x);
    }
    return "value must be one of " + list;
  }
  return "value must be an integer in " + range_text(min, max);
}

std::optional<std::string> group_block(const OptionTable& t, const std::string& group, const SafetyPolicy& policy) {
  if (group == "unsafe-math") {
    if (!policy.allow_unsafe_math) {
      return std::string("changes floating-point results; needs allow_unsafe_math");
    }
    return std::nullopt;
  }
  if (group == "math-errno") {
    if (!policy.allow_errno_math) {
      return std::string("stops libm calls setting errno; needs allow_errno_math");
    }
    return std::nullopt;
  }
  if (t.is_unsafe_group(group)) {
    // An unsafe group with no policy switch can never be enabled: fail closed.
    return "in unsafe group \"" + group + "\", which no policy enables";
  }
  return std::nullopt;
}

// A flag's own group and the groups of what it implies must all be allowed.
std::optional<std::string> policy_block(const OptionTable& t, const FlagSpec& spec, const SafetyPolicy& policy) {
  if (auto why = group_block(t, spec.group, policy)) {
    return why;
  }
  for (const auto& implied : spec.implies) {
    auto parts = split_option(implied);
    const FlagSpec* other = parts.form == OptionForm::Flag ? t.find_flag(parts.name) : nullptr;
    if (other && other != &spec) {
      if (auto why = group_block(t, other->group, policy)) {
        return "implies " + implied + ", which " + *why;
      }
    }
  }
  return std::nullopt;
}

bool is_cpu_name(std::string_view v) {
  if (v.empty() || v.size() > 32) {
    return false;
  }
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(v.front())) {
    return false;
  }
  return std::all_of(v.begin(), v.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

std::optional<std::string> check_cpu(const OptionTable& t, const OptionParts& parts) {
  bool march = parts.name == "-march";
  if (parts.negated || !parts.has_value) {
    return parts.name + " needs a value: " + parts.name + "=cpu";
  }
  const auto& generic = march ? t.march_values : t.mtune_values;
  if (contains(generic, parts.value)) {
    return std::nullopt;
  }
  if (is_cpu_name(parts.value) && contains(t.cpus, parts.value)) {
    return std::nullopt;
  }
  return "unknown cpu \"" + parts.value.substr(0, 40) + "\" for " + parts.name;
}

std::optional<std::string> check_flag(const OptionTable& t, const std::string& option, const OptionParts& parts,
                                      const SafetyPolicy& policy) {
  if (parts.name == "-march" || parts.name == "-mtune") {
    return check_cpu(t, parts);
  }
  const FlagSpec* spec = t.find_flag(parts.name);
  if (!spec) {
    if (t.is_semantic(option)) {
      return std::string("semantic flag: it changes what the program means, so only the user may set it");
    }
    return std::string(begins(option, "-m") ? "unknown target option" : "unknown flag");
  }
  if (spec->kind == "bool") {
    if (parts.has_value) {
      return parts.name + " takes no value";
    }
  } else if (parts.negated || !parts.has_value) {
    return parts.name + " needs a value: " + parts.name + "=" + (spec->kind == "int" ? "N" : "value");
  } else if (spec->kind == "enum") {
    if (!contains(spec->values, parts.value)) {
      std::string list;
      for (const auto& v : spec->values) {
        list += (list.empty() ? "" : "|") + v;
      }
      return "value must be one of " + list;
    }
  } else if (auto why = check_int(parts.value, spec->min, spec->max, nullptr)) {
    return why;
  }
  return policy_block(t, *spec, policy);
}

std::optional<std::string> check_option(const OptionTable& t, CompilerFamily family, const std::string& option,
                                        const SafetyPolicy& policy) {
  if (auto why = hostile_text(option)) {
    return why;
  }
  if (auto why = danger(option)) {
    return why;
  }
  if (option == "--param" || begins(option, "--param ")) {
    return std::string("use the one-element form --param=name=N");
  }
  if (option == "-mllvm" || (begins(option, "-mllvm") && !begins(option, "-mllvm -"))) {
    return std::string("malformed -mllvm: expected one element \"-mllvm -knob=N\"");
  }
  if (auto why = bad_charset(option)) {
    return why;
  }
  if (option.front() != '-') {
    return std::string("not an option (positional argument)");
  }
  OptionParts parts = split_option(option);
  switch (parts.form) {
  case OptionForm::OptLevel:
    return std::string("the -O level belongs in opt_level, not in options");
  case OptionForm::Param: {
    if (family != CompilerFamily::Gcc) {
      return std::string("--param is a gcc option");
    }
    const ParamSpec* spec = t.find_param(parts.name);
    if (!spec) {
      return "unknown --param \"" + parts.name.substr(0, 40) + "\"";
    }
    if (!parts.has_value) {
      return std::string("--param needs a value: --param=name=N");
    }
    return check_int(parts.value, spec->min, spec->max, &spec->values);
  }
  case OptionForm::Mllvm: {
    if (family != CompilerFamily::Clang) {
      return std::string("-mllvm is a clang option");
    }
    if (!begins(option, "-mllvm -") || begins(option, "-mllvm --")) {
      return std::string("malformed -mllvm: expected \"-mllvm -knob=N\"");
    }
    const ParamSpec* spec = t.find_mllvm(parts.name);
    if (!spec) {
      return "unknown -mllvm knob \"" + parts.name.substr(0, 40) + "\"";
    }
    if (!parts.has_value) {
      return std::string("-mllvm knob needs a value: -mllvm -knob=N");
    }
    return check_int(parts.value, spec->min, spec->max, &spec->values);
  }
  case OptionForm::Flag:
    return check_flag(t, option, parts, policy);
  case OptionForm::Other:
    break;
  }
  return std::string("unknown option");
}

std::string escape_for_line(std::string_view s, size_t max_chars) {
  std::string out;
  for (char c : s.substr(0, max_chars)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += "0123456789abcdef"[u >> 4];
      out += "0123456789abcdef"[u & 15];
    } else {
      out += c;
    }
  }
  if (s.size() > max_chars) {
    out += "...";
  }
  return out;
}

} // namespace

std::vector<Violation> check_config(const TuneConfig& config, CompilerFamily family, const SafetyPolicy& policy) {
  std::vector<Violation> out;
  if (family == CompilerFamily::Unknown) {
    if (!config.empty()) {
      out.push_back({config.display(), "unknown compiler family: no configuration can be applied"});
    }
    return out;
  }
  const OptionTable& t = option_table(family);

  if (!config.opt_level.empty()) {
    const std::string& o = config.opt_level;
    if (auto why = hostile_text(o)) {
      out.push_back({o, *why});
    } else if (contains(t.opt_levels, o)) {
      // allowed
    } else if (contains(t.unsafe_opt_levels, o)) {
      // -Ofast is -O3 plus -ffast-math, so it needs everything -ffast-math needs.
      if (!policy.allow_unsafe_math) {
        out.push_back({o, "implies -ffast-math; needs allow_unsafe_math"});
      } else if (!policy.allow_errno_math) {
        out.push_back({o, "implies -fno-math-errno; needs allow_errno_math"});
      }
    } else {
      out.push_back({o, "unknown optimisation level"});
    }
  }

  std::map<std::string, std::string> seen; // identity -> first option setting it
  std::set<std::string> valid;
  for (const auto& o : config.options) {
    if (auto why = check_option(t, family, o, policy)) {
      out.push_back({o, *why});
      continue;
    }
    std::string id = split_option(o).identity;
    auto [it, fresh] = seen.emplace(id, o);
    if (!fresh) {
      // Contradictory or repeated settings; clang also rejects a repeated -mllvm knob.
      out.push_back({o, "sets the same option as \"" + it->second + "\""});
      continue;
    }
    valid.insert(o);
  }

  std::set<std::string> present = valid;
  if (!config.opt_level.empty()) {
    present.insert(config.opt_level);
  }
  for (const auto& c : t.conflicts) {
    if (!present.count(c.option)) {
      continue;
    }
    for (const auto& w : c.with) {
      if (present.count(w)) {
        out.push_back({c.option, "conflicts with " + w + (c.reason.empty() ? "" : " (" + c.reason + ")")});
      }
    }
  }

  if (!config.pipeline.empty()) {
    if (auto why = check_pipeline(t, family, config.pipeline)) {
      out.push_back({"pipeline", *why});
    }
  }
  return out;
}

std::string describe_violations(const std::vector<Violation>& v) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) {
      out += "; ";
    }
    // The option text is untrusted: keep the message on one line and bounded.
    out += "\"" + escape_for_line(x.option, 80) + "\": " + x.reason;
  }
  return out;
}

} // namespace llmcc
