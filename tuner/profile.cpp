#include "tuner/profile.h"

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {

Expected<std::map<std::string, double>> parse_callgrind_functions(const std::string& text) {
  std::map<std::string, double> self;
  std::map<std::string, std::string> fn_names; // compressed "(id)" -> name
  std::string current;
  bool skip_next_cost = false; // the line after calls= is the call's inclusive cost
  bool saw_events = false;
  for (const auto& line : split(text, '\n')) {
    if (line.empty()) {
      continue;
    }
    if (starts_with(line, "events:")) {
      saw_events = true;
      continue;
    }
    if (starts_with(line, "fn=")) {
      std::string v = line.substr(3);
      if (starts_with(v, "(")) {
        auto close = v.find(')');
        std::string id = v.substr(0, close + 1);
        std::string rest = close + 1 < v.size() ? trim(v.substr(close + 1)) : "";
        if (!rest.empty()) {
          fn_names[id] = rest;
        }
        current = fn_names.count(id) ? fn_names[id] : id;
      } else {
        current = v;
      }
      continue;
    }
    if (starts_with(line, "cfn=")) {
      // Register compressed names that first appear as callees.
      std::string v = line.substr(4);
      if (starts_with(v, "(")) {
        auto close = v.find(')');
        std::string rest = close + 1 < v.size() ? trim(v.substr(close + 1)) : "";
        if (!rest.empty()) {
          fn_names[v.substr(0, close + 1)] = rest;
        }
      }
      continue;
    }
    if (starts_with(line, "calls=")) {
      skip_next_cost = true;
      continue;
    }
    char c = line[0];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '*') {
      if (skip_next_cost) {
        skip_next_cost = false;
        continue;
      }
      auto parts = split(line, ' ');
      if (parts.size() >= 2 && !current.empty()) {
        self[current] += std::strtod(parts[1].c_str(), nullptr);
      }
    }
  }
  if (!saw_events) {
    return Error{"not a callgrind output file"};
  }
  return self;
}

Expected<std::vector<std::string>> defined_functions(const std::string& object_path) {
  auto data = fs::read_file(object_path);
  if (!data) {
    return Error{data.error()};
  }
  const std::string& d = *data;
  if (d.size() < sizeof(Elf64_Ehdr) || std::memcmp(d.data(), ELFMAG, SELFMAG) != 0 ||
      d[EI_CLASS] != ELFCLASS64) {
    return Error{fmt::format("{} is not a 64-bit ELF object", object_path)};
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, d.data(), sizeof eh);
  if (eh.e_shoff == 0 || eh.e_shoff + static_cast<uint64_t>(eh.e_shnum) * sizeof(Elf64_Shdr) > d.size()) {
    return Error{fmt::format("{}: bad section table", object_path)};
  }
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, d.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof sh);
    return sh;
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum) {
      continue;
    }
    Elf64_Shdr strtab = section(sh.sh_link);
    if (sh.sh_offset + sh.sh_size > d.size() || strtab.sh_offset + strtab.sh_size > d.size()) {
      continue;
    }
    for (size_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, d.data() + sh.sh_offset + off, sizeof sym);
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
          sym.st_name >= strtab.sh_size) {
        continue;
      }
      out.emplace_back(d.c_str() + strtab.sh_offset + sym.st_name);
    }
  }
  return out;
}

Expected<ProfileResult> profile_tus(const BenchSpec& bench, const std::vector<std::string>& objects,
                                    double timeout_sec) {
  char tmpl[] = "/tmp/llmcc-profile-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    return Error{"cannot create a temporary directory"};
  }
  std::string dir = tmpl;
  std::string out_file = dir + "/callgrind.out";
  ProcessOptions o;
  o.argv = {"valgrind", "--tool=callgrind", "--demangle=no", "--callgrind-out-file=" + out_file};
  o.argv.insert(o.argv.end(), bench.argv.begin(), bench.argv.end());
  o.cwd = bench.cwd;
  for (const auto& [k, v] : bench.env) {
    o.env_set[k] = v;
  }
  o.timeout_sec = timeout_sec;
  auto r = run_process(o);
  std::error_code ec;
  if (!r || !r->success()) {
    std::filesystem::remove_all(dir, ec);
    return Error{r ? fmt::format("profiling run failed ({})", r->describe()) : r.error().message};
  }
  auto text = fs::read_file(out_file);
  std::filesystem::remove_all(dir, ec);
  if (!text) {
    return Error{text.error()};
  }
  auto fns = parse_callgrind_functions(*text);
  if (!fns) {
    return Error{fns.error()};
  }
  // Function -> objects defining it (inline/template functions may be in several).
  std::map<std::string, std::vector<size_t>> owners;
  for (size_t i = 0; i < objects.size(); ++i) {
    auto defs = defined_functions(objects[i]);
    if (!defs) {
      continue;
    }
    for (const auto& f : *defs) {
      owners[f].push_back(i);
    }
  }
  ProfileResult p;
  std::vector<double> cost(objects.size(), 0);
  std::vector<std::pair<double, std::string>> hot;
  for (const auto& [fn, c] : *fns) {
    p.total += c;
    // callgrind may suffix names ("'2" for recursion levels, none with --separate-recs=1).
    std::string name = fn.substr(0, fn.find('\''));
    auto it = owners.find(name);
    if (it == owners.end()) {
      p.outside += c;
      continue;
    }
    for (size_t idx : it->second) {
      cost[idx] += c / static_cast<double>(it->second.size());
    }
    hot.emplace_back(c, name);
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    p.tus.push_back({objects[i], cost[i], p.total > 0 ? cost[i] / p.total : 0});
  }
  std::sort(p.tus.begin(), p.tus.end(), [](const TuCost& a, const TuCost& b) { return a.cost > b.cost; });
  std::sort(hot.rbegin(), hot.rend());
  for (size_t i = 0; i < hot.size() && i < 10; ++i) {
    p.top_functions.push_back(hot[i].second);
  }
  return p;
}

} // namespace llmcc
