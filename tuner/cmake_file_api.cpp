#include "tuner/cmake_file_api.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "util/find_named.h"
#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc {

namespace {

using nlohmann::json;

constexpr const char* kClient = "client-llmcc";

std::string api_dir(const std::string& build_dir) { return build_dir + "/.cmake/api/v1"; }

std::string reply_dir(const std::string& build_dir) { return api_dir(build_dir) + "/reply"; }

// CMake's rule: the index file with the lexicographically largest name is current.
std::string latest_index(const std::string& build_dir) {
  std::error_code ec;
  std::string best;
  for (const auto& entry : std::filesystem::directory_iterator(reply_dir(build_dir), ec)) {
    std::string name = entry.path().filename().string();
    if (starts_with(name, "index-") && ends_with(name, ".json") && name > best) {
      best = name;
    }
  }
  return best.empty() ? std::string() : reply_dir(build_dir) + "/" + best;
}

Expected<json> read_json(const std::string& path) {
  auto text = fs::read_file(path);
  if (!text) {
    return text.error();
  }
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Error{fmt::format("{} is not valid JSON", path)};
  }
  return j;
}

std::string str(const json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) {
    return j[key].get<std::string>();
  }
  return {};
}

// The responses to llmcc's query in the index, by kind ("codemodel" -> file name).
std::map<std::string, std::string> our_responses(const json& index) {
  std::map<std::string, std::string> files;
  const json* client = nullptr;
  if (index.contains("reply") && index["reply"].is_object() && index["reply"].contains(kClient)) {
    client = &index["reply"][kClient];
  }
  if (!client || !client->contains("query.json")) {
    return files;
  }
  const json& query = (*client)["query.json"];
  if (!query.contains("responses") || !query["responses"].is_array()) {
    return files;
  }
  for (const auto& r : query["responses"]) {
    if (!str(r, "kind").empty() && !str(r, "jsonFile").empty()) {
      files[str(r, "kind")] = str(r, "jsonFile");
    }
  }
  return files;
}

std::string cmake_from_cache(const std::string& build_dir) {
  auto text = fs::read_file(build_dir + "/CMakeCache.txt");
  if (text) {
    for (const auto& line : split(*text, '\n')) {
      if (starts_with(line, "CMAKE_COMMAND:INTERNAL=")) {
        return trim(line.substr(std::string_view("CMAKE_COMMAND:INTERNAL=").size()));
      }
    }
  }
  return "cmake";
}


const json& obj(const json& j, const char* key) {
  static const json empty = json::object();
  if (j.is_object() && j.contains(key) && j[key].is_object()) {
    return j[key];
  }
  return empty;
}

const json& arr(const json& j, const char* key) {
  static const json empty = json::array();
  if (j.is_object() && j.contains(key) && j[key].is_array()) {
    return j[key];
  }
  return empty;
}

// The non-blank "fragment" strings of a list of command fragments.
std::vector<std::string> fragments(const json& list) {
  std::vector<std::string> out;
  for (const auto& f : list) {
    std::string fragment = str(f, "fragment");
    if (!trim(fragment).empty()) {
      out.push_back(fragment);
    }
  }
  return out;
}

// fs::absolute of "." keeps a trailing slash ("/b/."  -> "/b/"); paths compare without it.
std::string absolute_dir(const std::string& path, const std::string& base) {
  std::string p = fs::absolute(path, base);
  while (p.size() > 1 && p.back() == '/') {
    p.pop_back();
  }
  return p;
}

CMakeTarget parse_target(const json& t, const CMakeProject& project) {
  CMakeTarget target;
  target.name = str(t, "name");
  target.id = str(t, "id");
  target.type = str(t, "type");
  const json& paths = obj(t, "paths");
  target.source_dir = absolute_dir(str(paths, "source"), project.source_dir);
  target.build_dir = absolute_dir(str(paths, "build"), project.build_dir);
  for (const auto& a : arr(t, "artifacts")) {
    target.artifacts.push_back(fs::absolute(str(a, "path"), project.build_dir));
  }

  std::vector<CMakeSource> groups;
  for (const auto& g : arr(t, "compileGroups")) {
    CMakeSource proto;
    proto.language = str(g, "language");
    proto.compile_fragments = fragments(arr(g, "compileCommandFragments"));
    for (const auto& d : arr(g, "defines")) {
      proto.defines.push_back(str(d, "define"));
    }
    for (const auto& i : arr(g, "includes")) {
      proto.includes.push_back({str(i, "path"), i.value("isSystem", false)});
    }
    groups.push_back(std::move(proto));
  }
  for (const auto& s : arr(t, "sources")) {
    CMakeSource source;
    if (s.contains("compileGroupIndex") && s["compileGroupIndex"].is_number_unsigned()) {
      size_t g = s["compileGroupIndex"].get<size_t>();
      if (g < groups.size()) {
        source = groups[g];
      }
    }
    source.path = fs::absolute(str(s, "path"), project.source_dir);
    source.generated = s.value("isGenerated", false);
    target.sources.push_back(std::move(source));
  }

  // Static libraries have an archive step instead of a link step.
  const char* step = t.contains("link") ? "link" : "archive";
  {
    const json& s = obj(t, step);
    target.link_language = str(s, "language");
    target.link_fragments = fragments(arr(s, "commandFragments"));
  }
  for (const auto& d : arr(t, "dependencies")) {
    target.dependencies.push_back(str(d, "id")); // ids for now; names are resolved by the caller
  }
  return target;
}

std::string pick_config(const json& configurations, const std::string& wanted, const std::string& build_type) {
  std::vector<std::string> names;
  for (const auto& c : configurations) {
    names.push_back(str(c, "name"));
  }
  for (const std::string& candidate : {wanted, build_type}) {
    if (!candidate.empty() && std::find(names.begin(), names.end(), candidate) != names.end()) {
      return candidate;
    }
  }
  return names.empty() ? std::string() : names.front();
}

std::string resolved(const std::string& path) {
  std::string real = fs::real_path(path);
  return real.empty() ? fs::absolute(path, fs::current_dir()) : real;
}

} // namespace

std::vector<std::string> CMakeSource::compile_flags() const {
  std::vector<std::string> words;
  for (const auto& fragment : compile_fragments) {
    std::vector<std::string> parts;
    std::string error;
    if (!split_shell_words(fragment, parts, &error)) {
      parts = split(fragment, ' ');
    }
    words.insert(words.end(), parts.begin(), parts.end());
  }
  return words;
}

std::vector<std::string> CMakeSource::compile_args() const {
  std::vector<std::string> args;
  for (const auto& d : defines) {
    args.push_back("-D" + d);
  }
  for (const auto& i : includes) {
    if (i.is_system) {
      args.push_back("-isystem");
      args.push_back(i.path);
    } else {
      args.push_back("-I" + i.path);
    }
  }
  auto flags = compile_flags();
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

const CMakeSource* CMakeTarget::find_source(const std::string& path) const {
  std::string want = resolved(path);
  for (const auto& s : sources) {
    if (s.path == path || resolved(s.path) == want) {
      return &s;
    }
  }
  return nullptr;
}

const CMakeTarget* CMakeProject::find_target(const std::string& name) const {
  return find_named(targets, name);
}

std::vector<const CMakeTarget*> CMakeProject::targets_of_source(const std::string& source) const {
  std::vector<const CMakeTarget*> out;
  for (const auto& t : targets) {
    const CMakeSource* s = t.find_source(source);
    if (s && s->compiled()) {
      out.push_back(&t);
    }
  }
  return out;
}

std::string cmake_query_path(const std::string& build_dir) {
  return api_dir(build_dir) + "/query/" + kClient + "/query.json";
}

Status write_cmake_query(const std::string& build_dir) {
  if (!fs::exists(build_dir + "/CMakeCache.txt")) {
    return Error{fmt::format("{} is not a CMake build directory (no CMakeCache.txt)", build_dir)};
  }
  std::string path = cmake_query_path(build_dir);
  if (Status s = fs::make_dirs(fs::dir_name(path)); !s) {
    return s;
  }
  json query = {{"requests",
                 json::array({{{"kind", "codemodel"}, {"version", 2}},
                              {{"kind", "toolchains"}, {"version", 1}},
                              {{"kind", "cache"}, {"version", 2}}})}};
  // Rewriting an identical query would only churn its mtime.
  auto existing = fs::read_file(path);
  std::string text = query.dump(2) + "\n";
  if (existing && *existing == text) {
    return {};
  }
  return fs::write_file_atomic(path, text);
}

bool has_cmake_reply(const std::string& build_dir) {
  std::string index = latest_index(build_dir);
  if (index.empty()) {
    return false;
  }
  auto j = read_json(index);
  return j && our_responses(*j).count("codemodel") > 0;
}

Expected<CMakeProject> read_cmake_reply(const std::string& build_dir_in, const std::string& config) {
  std::string build_dir = resolved(build_dir_in);
  std::string index_path = latest_index(build_dir);
  if (index_path.empty()) {
    return Error{fmt::format("{} has no CMake File API reply; re-run cmake on it (cmake {})", build_dir, build_dir)};
  }
  auto index = read_json(index_path);
  if (!index) {
    return index.error();
  }
  auto files = our_responses(*index);
  if (!files.count("codemodel")) {
    return Error{fmt::format("the CMake File API reply in {} does not answer llmcc's query; re-run cmake on it "
                             "(cmake {})",
                             build_dir, build_dir)};
  }
  std::string dir = reply_dir(build_dir);
  try {
    CMakeProject project;
    const json& cmake = obj(*index, "cmake");
    project.generator = str(obj(cmake, "generator"), "name");
    project.multi_config = obj(cmake, "generator").value("multiConfig", false);
    project.cmake_command = str(obj(cmake, "paths"), "cmake");

    if (files.count("cache")) {
      auto cache = read_json(dir + "/" + files["cache"]);
      if (!cache) {
        return cache.error();
      }
      for (const auto& e : arr(*cache, "entries")) {
        project.cache[str(e, "name")] = str(e, "value");
      }
    }
    if (files.count("toolchains")) {
      auto tc = read_json(dir + "/" + files["toolchains"]);
      if (!tc) {
        return tc.error();
      }
      for (const auto& t : arr(*tc, "toolchains")) {
        const json& c = obj(t, "compiler");
        project.toolchains.push_back({str(t, "language"), str(c, "path"), str(c, "id"), str(c, "version")});
      }
    }

    auto model = read_json(dir + "/" + files["codemodel"]);
    if (!model) {
      return model.error();
    }
    project.source_dir = str(obj(*model, "paths"), "source");
    project.build_dir = str(obj(*model, "paths"), "build");
    const json& configurations = arr(*model, "configurations");
    for (const auto& c : configurations) {
      project.configs.push_back(str(c, "name"));
    }
    auto build_type = project.cache.find("CMAKE_BUILD_TYPE");
    project.config =
        pick_config(configurations, config, build_type == project.cache.end() ? std::string() : build_type->second);
    if (!config.empty() && project.config != config) {
      return Error{fmt::format("{} has no configuration {} (it has: {})", build_dir, config,
                               join(project.configs, ", "))};
    }
    std::map<std::string, std::string> names_by_id;
    for (const auto& c : configurations) {
      if (str(c, "name") != project.config) {
        continue;
      }
      for (const auto& ref : arr(c, "targets")) {
        auto t = read_json(dir + "/" + str(ref, "jsonFile"));
        if (!t) {
          return t.error();
        }
        project.targets.push_back(parse_target(*t, project));
        names_by_id[project.targets.back().id] = project.targets.back().name;
      }
    }
    for (auto& t : project.targets) {
      for (auto& d : t.dependencies) {
        auto it = names_by_id.find(d);
        if (it != names_by_id.end()) {
          d = it->second;
        }
      }
    }
    return project;
  } catch (const json::exception& e) {
    return Error{fmt::format("unexpected CMake File API reply in {}: {}", dir, e.what())};
  }
}

Expected<CMakeProject> load_cmake_project(const std::string& build_dir, bool reconfigure, const std::string& config) {
  if (Status s = write_cmake_query(build_dir); !s) {
    return Error{s.message()};
  }
  if (!has_cmake_reply(build_dir)) {
    if (!reconfigure) {
      return Error{fmt::format("no CMake File API reply for llmcc in {} yet; re-run cmake on it (cmake {}) or "
                               "build it once",
                               build_dir, build_dir)};
    }
    // Pointing cmake at an existing build directory reconfigures it with its
    // cache and generator, and makes CMake answer the query just written.
    ProcessOptions o;
    o.argv = {cmake_from_cache(build_dir), fs::absolute(build_dir, fs::current_dir())};
    o.cwd = build_dir;
    o.timeout_sec = 600;
    auto p = run_process(o);
    if (!p) {
      return p.error();
    }
    if (!p->success()) {
      return Error{fmt::format("re-running cmake on {} failed ({}):\n{}", build_dir, p->describe(), p->out + p->err)};
    }
    if (!has_cmake_reply(build_dir)) {
      return Error{fmt::format("cmake ran on {} but wrote no File API reply (CMake 3.14 or newer is needed)",
                               build_dir)};
    }
  }
  return read_cmake_reply(build_dir, config);
}

} // namespace llmcc
