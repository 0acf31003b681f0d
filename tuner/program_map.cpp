#include "tuner/program_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "cache/local/store.h"
#include "util/fs.h"
#include "util/strings.h"

namespace llmcc {

Expected<std::vector<std::string>> archive_members(const std::string& path) {
  auto members = read_archive(path);
  if (!members) {
    return Error{members.error()};
  }
  std::vector<std::string> names;
  for (const auto& m : *members) {
    names.push_back(m.name);
  }
  return names;
}

Expected<std::vector<ArchiveMember>> read_archive(const std::string& path) {
  auto data = fs::read_file(path);
  if (!data) {
    return Error{data.error()};
  }
  const std::string& d = *data;
  if (d.compare(0, 8, "!<arch>\n") != 0) {
    return Error{fmt::format("{} is not an ar archive", path)};
  }
  std::vector<ArchiveMember> out;
  std::string long_names;
  size_t pos = 8;
  while (pos + 60 <= d.size()) {
    std::string name = trim(d.substr(pos, 16));
    long size = std::strtol(d.substr(pos + 48, 10).c_str(), nullptr, 10);
    size_t body = pos + 60;
    if (name == "//") {
      long_names = d.substr(body, static_cast<size_t>(size));
    } else if (name != "/" && name != "/SYM64/" && name != "__.SYMDEF") {
      if (name.size() > 1 && name[0] == '/' && std::isdigit(static_cast<unsigned char>(name[1]))) {
        size_t off = std::strtoul(name.c_str() + 1, nullptr, 10);
        size_t end = long_names.find('\n', off);
        name = long_names.substr(off, end == std::string::npos ? std::string::npos : end - off);
      }
      if (!name.empty() && name.back() == '/') {
        name.pop_back();
      }
      out.push_back({name, body <= d.size() ? d.substr(body, static_cast<size_t>(size)) : std::string()});
    }
    pos = body + static_cast<size_t>(size) + (size % 2);
  }
  return out;
}

namespace {

struct Mapper {
  Store& store;
  std::map<std::string, CapturedCommand> compiles_by_output;
  std::multimap<std::string, std::string> outputs_by_base; // file name -> output path
  std::set<std::string> seen;
  ProgramMap result;
  std::string via_shared; // "shared:<path>" while inside a shared library's inputs

  void add_object(const std::string& path, const std::string& via) {
    // An object linked into an in-tree shared library is reached through it.
    const std::string& how = via == "object" && !via_shared.empty() ? via_shared : via;
    auto it = compiles_by_output.find(path);
    if (it == compiles_by_output.end()) {
      result.notes.push_back("not compiled through llmcc: " + path);
      return;
    }
    if (seen.insert(path).second) {
      result.tus.push_back({it->second, how});
    }
  }

  void add_input(const std::string& input, int depth) {
    if (starts_with(input, "-l")) {
      return;
    }
    if (ends_with(input, ".a")) {
      auto members = read_archive(input);
      if (!members) {
        result.notes.push_back(members.error().message);
        return;
      }
      // Members carry only file names; prefer objects in the archive's build tree.
      for (const auto& member : *members) {
        const std::string& m = member.name;
        auto [b, e] = outputs_by_base.equal_range(m);
        std::vector<std::string> matches;
        // The same project may be built in several trees sharing one database:
        // take the objects closest to the archive.
        for (std::string dir = fs::dir_name(input); matches.empty() && dir.size() > 1;
             dir = fs::dir_name(dir)) {
          for (auto i = b; i != e; ++i) {
            if (starts_with(i->second, dir + "/")) {
              matches.push_back(i->second);
            }
          }
        }
        if (matches.empty()) {
          result.notes.push_back(fmt::format("archive member {} of {} not compiled through llmcc", m, input));
        }
        // One source built twice (CMake's static and shared libraries of the same
        // files): the object whose bytes are the member's is the one linked.
        if (matches.size() > 1) {
          std::vector<std::string> same;
          for (const auto& path : matches) {
            if (fs::read_file(path).value_or("") == member.data) {
              same.push_back(path);
            }
          }
          if (!same.empty()) {
            // Byte-identical objects (the same flags for both) are the same code: one TU.
            matches = {same.front()};
          }
        }
        for (const auto& path : matches) {
          add_object(path, "archive:" + input);
        }
      }
      return;
    }
    if ((ends_with(input, ".so") || input.find(".so.") != std::string::npos) && depth < 4) {
      // CMake links libx.so, a symlink to the file its link wrote (libx.so.1.2).
      auto link = store.command_for_output("link", input);
      if (link && !*link && !fs::real_path(input).empty()) {
        link = store.command_for_output("link", fs::real_path(input));
      }
      if (link && *link) {
        const std::string library = (*link)->output;
        if (std::find(result.shared_libraries.begin(), result.shared_libraries.end(), library) ==
            result.shared_libraries.end()) {
          result.shared_libraries.push_back(library);
        }
        std::string outer = via_shared;
        via_shared = "shared:" + library;
        for (const auto& in : (*link)->inputs) {
          add_input(in, depth + 1);
        }
        via_shared = outer;
      }
      return;
    }
    if (compiles_by_output.count(input)) {
      add_object(input, "object");
    }
  }
};

} // namespace

std::vector<std::string> ProgramMap::files() const {
  std::vector<std::string> out = {binary};
  out.insert(out.end(), shared_libraries.begin(), shared_libraries.end());
  return out;
}

Expected<ProgramMap> map_program(Store& store, const std::string& binary) {
  auto link = store.command_for_output("link", binary);
  if (!link) {
    return Error{link.error()};
  }
  if (!*link) {
    return Error{fmt::format(
        "no link of {} was recorded. Build it through llmcc first (CC=llmcc CXX=llmcc++, or "
        "CMAKE_<LANG>_COMPILER_LAUNCHER=llmcc with CMAKE_<LANG>_LINKER_LAUNCHER=llmcc), or name "
        "the benchmark's binary with --binary",
        binary)};
  }
  auto compiles = store.commands("compile");
  if (!compiles) {
    return Error{compiles.error()};
  }
  Mapper m{store, {}, {}, {}, {}};
  for (auto& c : *compiles) {
    m.outputs_by_base.emplace(fs::base_name(c.output), c.output);
    m.compiles_by_output.emplace(c.output, std::move(c));
  }
  m.result.binary = binary;
  m.result.link = **link;
  for (const auto& in : (*link)->inputs) {
    m.add_input(in, 0);
  }
  if (m.result.tus.empty()) {
    return Error{fmt::format("the link of {} used no TU compiled through llmcc", binary)};
  }
  return m.result;
}

} // namespace llmcc
