#include "flags/apply.h"

#include "flags/option_syntax.h"
#include "flags/option_table.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace llmcc {

namespace {

// Options whose argument is the next token. Their argument is never looked at as an
// option of its own: "-Xlinker -O1" is the linker's -O1, not the compiler's.
bool takes_separate_arg(std::string_view t) {
  static const std::set<std::string_view> k = {
      "-o",          "-I",           "-D",          "-U",          "-include",          "-imacros",
      "-isystem",    "-iquote",      "-idirafter",  "-iprefix",    "-iwithprefix",      "-iwithprefixbefore",
      "-isysroot",   "-iframework",  "-imultilib",  "-include-pch", "-MF",              "-MT",
      "-MQ",         "-MJ",          "-x",          "-Xlinker",    "-Xassembler",       "-Xpreprocessor",
      "-Xclang",     "-Xopenmp-target", "-L",       "-l",          "-u",                "-T",
      "-z",          "-e",           "-B",          "-F",          "-aux-info",         "-dumpdir",
      "-dumpbase",   "-dumpbase-ext", "--param",    "-mllvm",      "-target",           "-arch",
      "-gcc-toolchain", "--sysroot", "-wrapper",    "-serialize-diagnostics", "-Xcuda-ptxas", "-Xcuda-fatbinary",
  };
  return k.count(t) > 0;
}

// One user option as it appears on the command line: one token, or an option and
// its separate argument.
struct Unit {
  std::vector<std::string> tokens;
  std::string option;   // one-element spelling for matching ("--param=n=v", "-mllvm -k=v"); "" if none
  std::string identity; // split_option(option).identity
  bool protected_ = false;
};

struct Item {
  std::string option; // as in the config (the opt level is an item too)
  std::string identity;
  std::vector<std::string> identities; // its own plus those of what it implies
  bool dropped = false;
};

// Splits the options before the end-of-options marker "--" (a "--" that is the
// argument of, say, -Xlinker does not count); `end` receives the marker's index, or
// args.size() when there is none.
std::vector<Unit> split_units(const std::vector<std::string>& args, const OptionTable& table, size_t& end) {
  std::vector<Unit> units;
  end = args.size();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      end = i;
      break;
    }
    Unit u;
    u.tokens.push_back(args[i]);
    if (takes_separate_arg(args[i]) && i + 1 < args.size()) {
      u.tokens.push_back(args[++i]);
      if (u.tokens[0] == "--param") {
        u.option = "--param=" + u.tokens[1];
      } else if (u.tokens[0] == "-mllvm") {
        u.option = "-mllvm " + u.tokens[1];
      }
    } else {
      u.option = args[i];
    }
    if (!u.option.empty()) {
      OptionParts parts = split_option(u.option);
      u.identity = parts.identity;
      // The user's own -march/-mtune is a deployment decision, and a semantic flag
      // is a correctness one: neither is ours to override.
      u.protected_ = table.is_semantic(u.option) || u.identity == "m:arch" || u.identity == "m:tune";
    }
    units.push_back(std::move(u));
  }
  return units;
}

std::vector<Item> config_items(const TuneConfig& config, const OptionTable& table) {
  std::vector<Item> items;
  auto add = [&](const std::string& option) {
    Item it;
    it.option = option;
    OptionParts parts = split_option(option);
    it.identity = parts.identity;
    it.identities.push_back(parts.identity);
    if (parts.form == OptionForm::Flag && !parts.negated) {
      if (const FlagSpec* spec = table.find_flag(parts.name)) {
        for (const auto& implied : spec->implies) {
          it.identities.push_back(split_option(implied).identity);
        }
      }
    }
    items.push_back(std::move(it));
  };
  if (!config.opt_level.empty()) {
    add(config.opt_level);
  }
  for (const auto& o : config.options) {
    add(o);
  }
  return items;
}

} // namespace

AppliedArgs apply_config(const std::vector<std::string>& args, const TuneConfig& config, CompilerFamily family) {
  const OptionTable& table = option_table(family);
  // After "--" everything is an operand; config options must come before it.
  size_t end = 0;
  std::vector<Unit> units = split_units(args, table, end);
  std::vector<Item> items = config_items(config, table);
  AppliedArgs out;

  // A config option that would override (directly or by implication) something the
  // user set on purpose gives way.
  for (auto& item : items) {
    for (const auto& u : units) {
      if (!u.protected_ || u.identity.empty()) {
        continue;
      }
      if (std::find(item.identities.begin(), item.identities.end(), u.identity) != item.identities.end()) {
        item.dropped = true;
        out.dropped.push_back(item.option + " (user set " + u.option + ")");
        break;
      }
    }
  }

  // What the applied config overrides: dropping one config option can keep a user
  // option that conflicts with another, so iterate until nothing changes.
  std::set<std::string> overridden;
  for (bool changed = true; changed;) {
    changed = false;
    overridden.clear();
    for (const auto& item : items) {
      if (!item.dropped && !item.identity.empty()) {
        overridden.insert(item.identity);
      }
    }
    for (auto& item : items) {
      if (item.dropped) {
        continue;
      }
      // No structured binding: clang 14 cannot capture one in the lambda.
      for (const auto& conflict : table.conflicts_of(item.option)) {
        const std::string& other = conflict.first;
        const std::string& reason = conflict.second;
        auto hit = std::find_if(units.begin(), units.end(), [&](const Unit& u) {
          return u.option == other && !overridden.count(u.identity);
        });
        if (hit != units.end()) {
          item.dropped = true;
          changed = true;
          out.dropped.push_back(item.option + " (conflicts with " + hit->option +
                                (reason.empty() ? "" : ": " + reason) + ")");
          break;
        }
      }
    }
  }

  TuneConfig applied;
  applied.pipeline = config.pipeline;
  for (const auto& item : items) {
    if (item.dropped) {
      continue;
    }
    if (item.identity == "O") {
      applied.opt_level = item.option;
    } else {
      applied.options.push_back(item.option);
    }
  }

  for (const auto& u : units) {
    if (!u.identity.empty() && overridden.count(u.identity)) {
      continue;
    }
    out.args.insert(out.args.end(), u.tokens.begin(), u.tokens.end());
  }
  std::vector<std::string> tokens = applied.argv_tokens();
  out.args.insert(out.args.end(), tokens.begin(), tokens.end());
  out.args.insert(out.args.end(), args.begin() + static_cast<std::ptrdiff_t>(end), args.end());
  return out;
}

} // namespace llmcc
