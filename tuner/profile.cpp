#include "tuner/profile.h"

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {

namespace {

// callgrind compresses repeated names: "(12) name" defines id 12, "(12)" uses it.
class NameTable {
public:
  std::string resolve(const std::string& v) {
    if (!starts_with(v, "(")) {
      return v;
    }
    auto close = v.find(')');
    std::string id = v.substr(0, close + 1);
    std::string rest = close != std::string::npos && close + 1 < v.size() ? trim(v.substr(close + 1)) : "";
    if (!rest.empty()) {
      m_names[id] = rest;
    }
    auto it = m_names.find(id);
    return it != m_names.end() ? it->second : id;
  }

private:
  std::map<std::string, std::string> m_names;
};

} // namespace

Expected<CallgrindProcess> parse_callgrind(const std::string& text) {
  CallgrindProcess p;
  NameTable fns, obs;
  std::string current_fn, current_ob;
  bool skip_next_cost = false; // the line after calls= is the call's inclusive cost
  bool saw_events = false;
  for (const auto& line : split(text, '\n')) {
    if (line.empty()) {
      continue;
    }
    if (starts_with(line, "events:")) {
      saw_events = true;
    } else if (starts_with(line, "cmd:")) {
      p.cmd = trim(line.substr(4));
    } else if (starts_with(line, "ob=")) {
      current_ob = obs.resolve(line.substr(3));
    } else if (starts_with(line, "fn=")) {
      current_fn = fns.resolve(line.substr(3));
    } else if (starts_with(line, "cfn=")) {
      (void)fns.resolve(line.substr(4)); // names that first appear as callees
    } else if (starts_with(line, "cob=")) {
      (void)obs.resolve(line.substr(4));
    } else if (starts_with(line, "calls=")) {
      skip_next_cost = true;
    } else if (char c = line[0]; std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '*') {
      if (skip_next_cost) {
        skip_next_cost = false;
        continue;
      }
      auto parts = split(line, ' ');
      if (parts.size() >= 2 && !current_fn.empty()) {
        double cost = std::strtod(parts[1].c_str(), nullptr);
        p.self[{current_ob, current_fn}] += cost;
        p.total += cost;
      }
    }
  }
  if (!saw_events) {
    return Error{"not a callgrind output file"};
  }
  return p;
}

Expected<std::map<std::string, double>> parse_callgrind_functions(const std::string& text) {
  auto p = parse_callgrind(text);
  if (!p) {
    return Error{p.error()};
  }
  std::map<std::string, double> self;
  for (const auto& [key, cost] : p->self) {
    self[key.second] += cost;
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

Expected<ProfileResult> attribute_profile(const std::vector<CallgrindProcess>& processes,
                                          const std::vector<std::string>& objects,
                                          const std::vector<std::string>& program_files) {
  std::set<std::string> program;
  for (const auto& f : program_files) {
    program.insert(f);
    if (std::string real = fs::real_path(f); !real.empty()) {
      program.insert(real);
    }
  }
  // An output without object names (not what callgrind writes) cannot be told apart: count it.
  // Each object name is resolved once: a profile names the same few objects for
  // thousands of functions.
  std::map<std::string, bool> known;
  auto in_program = [&](const std::string& ob) {
    auto [it, fresh] = known.emplace(ob, false);
    if (fresh) {
      std::string real = ob.empty() ? "" : fs::real_path(ob);
      it->second = ob.empty() || program.count(ob) != 0 || (!real.empty() && program.count(real) != 0);
    }
    return it->second;
  };
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
  std::vector<std::map<std::string, double>> fn_cost(objects.size());
  std::map<std::string, double> hot_cost;
  bool ran = false;
  for (const auto& proc : processes) {
    std::set<std::string> seen_obs;
    for (const auto& [key, c] : proc.self) {
      seen_obs.insert(key.first);
    }
    bool runs_program = std::any_of(seen_obs.begin(), seen_obs.end(), in_program);
    if (!runs_program) {
      continue; // a shell, a diff, another tool the script runs
    }
    ran = true;
    p.total += proc.total;
    for (const auto& [key, c] : proc.self) {
      // callgrind may suffix names ("'2" for recursion levels).
      std::string name = key.second.substr(0, key.second.find('\''));
      auto it = in_program(key.first) ? owners.find(name) : owners.end();
      if (it == owners.end()) {
        p.outside += c;
        continue;
      }
      for (size_t idx : it->second) {
        cost[idx] += c / static_cast<double>(it->second.size());
        fn_cost[idx][name] += c / static_cast<double>(it->second.size());
      }
      hot_cost[name] += c;
    }
  }
  if (!ran) {
    return Error{"no process of the benchmark ran the program"};
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    p.tus.push_back({objects[i], cost[i], p.total > 0 ? cost[i] / p.total : 0, std::move(fn_cost[i])});
  }
  std::sort(p.tus.begin(), p.tus.end(), [](const TuCost& a, const TuCost& b) { return a.cost > b.cost; });
  std::vector<std::pair<double, std::string>> hot;
  for (const auto& [name, c] : hot_cost) {
    hot.emplace_back(c, name);
  }
  std::sort(hot.rbegin(), hot.rend());
  for (size_t i = 0; i < hot.size() && i < 10; ++i) {
    p.top_functions.push_back(hot[i].second);
  }
  return p;
}

std::map<std::string, double> function_shares(const TuCost& tu) {
  double total = 0;
  for (const auto& [name, c] : tu.functions) {
    total += c;
  }
  std::map<std::string, double> out;
  if (total <= 0) {
    return out;
  }
  for (const auto& [name, c] : tu.functions) {
    if (c > 0) {
      // The extractors run before IPA, so they see `f` where the optimised
      // binary has gcc's clones `f.part.0`, `f.constprop.0`, `f.cold`: the clones'
      // cost is f's. Compiler-made symbols are the only ones with a dot.
      out[name.substr(0, name.find('.'))] += c / total;
    }
  }
  return out;
}

Expected<ProfileResult> profile_tus(const BenchSpec& bench, const std::vector<std::string>& objects,
                                    const std::vector<std::string>& program_files, double timeout_sec) {
  char tmpl[] = "/tmp/llmcc-profile-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    return Error{"cannot create a temporary directory"};
  }
  std::string dir = tmpl;
  ProcessOptions o;
  // One output file per process: a benchmark script runs the program as a child.
  o.argv = {"valgrind", "--tool=callgrind", "--demangle=no", "--trace-children=yes",
            "--callgrind-out-file=" + dir + "/callgrind.out.%p"};
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
    if (r && valgrind_could_not_decode(r->err)) {
      // valgrind's decoder, not the program: AVX-512 from -march=native (benchmark_run.cpp).
      return Error{fmt::format("callgrind cannot run the program on this CPU ({}; valgrind decodes no AVX-512)",
                               r->describe())};
    }
    return Error{r ? fmt::format("profiling run failed ({})", r->describe()) : r.error().message};
  }
  std::vector<CallgrindProcess> processes;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto text = fs::read_file(entry.path().string());
    if (!text) {
      continue;
    }
    if (auto proc = parse_callgrind(*text)) {
      processes.push_back(std::move(*proc));
    }
  }
  std::filesystem::remove_all(dir, ec);
  if (processes.empty()) {
    return Error{"callgrind wrote no profile"};
  }
  return attribute_profile(processes, objects, program_files);
}

} // namespace llmcc
