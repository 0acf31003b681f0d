#include "flags/option_table.h"

#include "flags/option_syntax.h"
#include "util/find_named.h"
#include "util/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace llmcc {

// Generated from flags/data/*.json by cmake/embed_text.cmake.
std::string_view option_data_gcc();
std::string_view option_data_clang();

namespace {

using nlohmann::json;

std::vector<std::string> string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key)) {
    for (const auto& v : j.at(key)) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

FlagSpec parse_flag(const json& j) {
  FlagSpec f;
  f.name = j.at("name").get<std::string>();
  f.kind = j.at("kind").get<std::string>();
  f.group = j.at("group").get<std::string>();
  f.values = string_list(j, "values");
  f.min = j.value("min", 0L);
  f.max = j.value("max", 0L);
  f.searchable = j.value("searchable", true);
  f.implies = string_list(j, "implies");
  return f;
}

ParamSpec parse_param(const json& j) {
  ParamSpec p;
  p.name = j.at("name").get<std::string>();
  p.min = j.at("min").get<long>();
  p.max = j.at("max").get<long>();
  p.default_value = j.at("default").get<long>();
  p.group = j.value("group", std::string());
  if (j.contains("values")) {
    p.values = j.at("values").get<std::vector<long>>();
  }
  return p;
}

// Catches mistakes in the data that the JSON schema alone would let through; the
// allow-list's correctness depends on them (a bool "flag" spelled -fno-X, a range
// the default lies outside of...).
Status check_table(const OptionTable& t) {
  for (const auto& f : t.flags) {
    auto parts = split_option(f.name);
    if (parts.form != OptionForm::Flag || parts.negated || parts.has_value || parts.name != f.name) {
      return Error{"flag \"" + f.name + "\" must be a positive -f/-m spelling without a value"};
    }
    if (f.kind != "bool" && f.kind != "enum" && f.kind != "int") {
      return Error{"flag \"" + f.name + "\" has unknown kind \"" + f.kind + "\""};
    }
    if (f.kind == "enum" && f.values.empty()) {
      return Error{"enum flag \"" + f.name + "\" has no values"};
    }
    if (f.kind == "int" && f.min > f.max) {
      return Error{"int flag \"" + f.name + "\" has min > max"};
    }
  }
  for (const auto* list : {&t.params, &t.mllvm}) {
    for (const auto& p : *list) {
      if (p.min > p.max || p.default_value < p.min || p.default_value > p.max) {
        return Error{"param \"" + p.name + "\" has an inconsistent range"};
      }
      for (long v : p.values) {
        if (v < p.min || v > p.max) {
          return Error{"param \"" + p.name + "\" lists a value outside its range"};
        }
      }
    }
  }
  return Status::success();
}

OptionTable load_embedded(CompilerFamily family, std::string_view text) {
  auto t = parse_option_table(text, family);
  if (!t) {
    // Only a broken build gets here (tests parse both tables). Fail closed.
    log::error("option table for {} is unusable: {}", family_name(family), t.error().message);
    OptionTable empty;
    empty.family = family;
    return empty;
  }
  return std::move(*t);
}

} // namespace

bool ParamSpec::accepts(long v) const {
  if (v < min || v > max) {
    return false;
  }
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

const FlagSpec* OptionTable::find_flag(const std::string& positive_name) const {
  return find_named(flags, positive_name);
}

const ParamSpec* OptionTable::find_param(const std::string& name) const {
  return find_named(params, name);
}

const ParamSpec* OptionTable::find_mllvm(const std::string& name) const {
  return find_named(mllvm, name);
}

bool OptionTable::is_unsafe_group(const std::string& group) const {
  return std::find(unsafe_groups.begin(), unsafe_groups.end(), group) != unsafe_groups.end();
}

bool OptionTable::is_semantic(const std::string& option) const {
  return std::any_of(semantic_flags.begin(), semantic_flags.end(),
                     [&](const std::string& p) { return matches_pattern(option, p); });
}

std::vector<std::pair<std::string, std::string>> OptionTable::conflicts_of(const std::string& option) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : conflicts) {
    if (c.option == option) {
      for (const auto& w : c.with) {
        out.emplace_back(w, c.reason);
      }
    } else if (std::find(c.with.begin(), c.with.end(), option) != c.with.end()) {
      out.emplace_back(c.option, c.reason);
    }
  }
  return out;
}

Expected<OptionTable> parse_option_table(std::string_view json_text, CompilerFamily family) {
  auto j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error{"not a JSON object"};
  }
  OptionTable t;
  t.family = family;
  try {
    if (j.contains("family") && family_from_name(j.at("family").get<std::string>()) != family) {
      return Error{"table is for family \"" + j.at("family").get<std::string>() + "\""};
    }
    t.opt_levels = string_list(j, "opt_levels");
    t.unsafe_opt_levels = string_list(j, "unsafe_opt_levels");
    for (const auto& f : j.value("flags", json::array())) {
      t.flags.push_back(parse_flag(f));
    }
    for (const auto& p : j.value("params", json::array())) {
      t.params.push_back(parse_param(p));
    }
    for (const auto& p : j.value("mllvm", json::array())) {
      t.mllvm.push_back(parse_param(p));
    }
    t.march_values = string_list(j, "march_values");
    t.mtune_values = string_list(j, "mtune_values");
    t.cpus = string_list(j, "cpus");
    // Named, not iterated as a temporary: items() would outlive value()'s result.
    const json passes = j.value("passes", json::object());
    for (const auto& level : passes.items()) {
      const std::string& name = level.key();
      if (name != "module" && name != "cgscc" && name != "function" && name != "loop") {
        return Error{"unknown pass level \"" + name + "\""};
      }
      for (const auto& p : level.value()) {
        t.passes.push_back(p.get<std::string>());
        t.pass_levels[t.passes.back()] = name;
      }
    }
    t.mssa_passes = string_list(j, "mssa_passes");
    for (const auto& c : j.value("conflicts", json::array())) {
      OptionConflict oc;
      oc.option = c.at("option").get<std::string>();
      oc.with = string_list(c, "with");
      oc.reason = c.value("reason", std::string());
      t.conflicts.push_back(std::move(oc));
    }
    t.unsafe_groups = string_list(j, "unsafe_groups");
    t.semantic_flags = string_list(j, "semantic_flags");
  } catch (const json::exception& e) {
    return Error{std::string("malformed entry: ") + e.what()};
  }
  auto st = check_table(t);
  if (!st) {
    return Error{st.message()};
  }
  return t;
}

const OptionTable& option_table(CompilerFamily family) {
  switch (family) {
  case CompilerFamily::Gcc: {
    static const OptionTable gcc = load_embedded(CompilerFamily::Gcc, option_data_gcc());
    return gcc;
  }
  case CompilerFamily::Clang: {
    static const OptionTable clang = load_embedded(CompilerFamily::Clang, option_data_clang());
    return clang;
  }
  case CompilerFamily::Unknown:
    break;
  }
  static const OptionTable empty;
  return empty;
}

} // namespace llmcc
