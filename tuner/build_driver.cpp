#include "tuner/build_driver.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "util/fs.h"
#include "util/hash.h"
#include "util/process.h"
#include "util/strings.h"
#include "wrapper/trial_file.h"

namespace llmcc {

std::string find_llmcc_binary() {
  std::string dir = fs::dir_name(fs::self_exe());
  for (const std::string& c : {dir + "/llmcc", dir + "/../../bin/llmcc", dir + "/../bin/llmcc"}) {
    if (fs::is_executable_file(c)) {
      return fs::real_path(c);
    }
  }
  return {};
}

Expected<BuildDriver> BuildDriver::create(const std::string& build_dir, const ProgramMap& program,
                                          const std::vector<std::string>& build_cmd,
                                          const std::string& target, const std::string& work_dir) {
  BuildDriver d;
  d.m_build_dir = build_dir;
  d.m_program = program;
  d.m_work_dir = work_dir;
  d.m_llmcc = find_llmcc_binary();
  if (!build_cmd.empty()) {
    d.m_build_cmd = build_cmd;
  } else if (fs::exists(build_dir + "/build.ninja")) {
    d.m_build_cmd = {"ninja", "-C", build_dir};
    auto rel = fs::relative_to(program.binary, fs::real_path(build_dir));
    if (rel) {
      d.m_build_cmd.push_back(*rel);
    }
  } else if (fs::exists(build_dir + "/CMakeCache.txt")) {
    d.m_build_cmd = {"cmake", "--build", build_dir};
    if (!target.empty()) {
      d.m_build_cmd.insert(d.m_build_cmd.end(), {"--target", target});
    }
  } else if (fs::exists(build_dir + "/Makefile") || fs::exists(build_dir + "/makefile") ||
             fs::exists(build_dir + "/GNUmakefile")) {
    d.m_build_cmd = {"make", "-C", build_dir};
    d.m_make_env = true;
  } else {
    for (const auto& tu : program.tus) {
      if (tu.via != "object") {
        return Error{fmt::format("no build tool found in {} and {} reaches the program through {}; "
                                 "pass --build-cmd",
                                 build_dir, tu.compile.source, tu.via)};
      }
    }
    if (d.m_llmcc.empty()) {
      return Error{"cannot find the llmcc binary to replay compiles"};
    }
  }
  return d;
}

std::string BuildDriver::describe() const {
  return m_build_cmd.empty() ? "replay of the captured compile and link" : quote_for_display(m_build_cmd);
}

static std::string tail_lines(const std::string& text, size_t n) {
  auto lines = split(text, '\n');
  size_t start = lines.size() > n ? lines.size() - n : 0;
  return join(std::vector<std::string>(lines.begin() + static_cast<long>(start), lines.end()), "\n");
}

BuildResult BuildDriver::run_build(const std::vector<CapturedCommand>& tus, const std::string& trial_json,
                                   const CapturedCommand* hashed_tu) {
  BuildResult r;
  std::string trial_file;
  if (!trial_json.empty()) {
    trial_file = m_work_dir + "/trial.json";
    if (Status s = fs::write_file_atomic(trial_file, trial_json); !s) {
      r.log = s.message();
      return r;
    }
  }
  std::string seen_file = trial_file.empty() ? "" : trial_seen_path(trial_file);
  if (!seen_file.empty()) {
    std::remove(seen_file.c_str());
  }
  // Removing the objects is what makes any build tool recompile exactly these
  // TUs. The static archive holding one goes too: a Makefile recipe such as
  // `libx.a: a.c b.c; cc -c a.c b.c && ar rcs libx.a a.o b.o` names the
  // sources, not the objects, and reruns only for a missing archive.
  for (const auto& tu : tus) {
    std::remove(tu.output.c_str());
    for (const auto& member : m_program.tus) {
      if (member.compile.output == tu.output && starts_with(member.via, "archive:")) {
        std::remove(member.via.substr(std::string("archive:").size()).c_str());
      }
    }
  }
  auto started = std::chrono::steady_clock::now();
  std::vector<ProcessOptions> steps;
  if (!m_build_cmd.empty()) {
    ProcessOptions o;
    o.argv = m_build_cmd;
    steps.push_back(o);
  } else {
    for (const auto& tu : tus) {
      ProcessOptions o;
      o.argv = {m_llmcc};
      o.argv.insert(o.argv.end(), tu.argv.begin(), tu.argv.end());
      o.cwd = tu.cwd;
      steps.push_back(o);
    }
    ProcessOptions link;
    link.argv = m_program.link.argv;
    link.cwd = m_program.link.cwd;
    steps.push_back(link);
  }
  for (auto& o : steps) {
    o.timeout_sec = 3600;
    if (!trial_file.empty()) {
      o.env_set[kTrialFileEnv] = trial_file;
    } else {
      o.env_unset.push_back(kTrialFileEnv);
    }
    if (m_make_env && !m_llmcc.empty()) {
      // Plain Makefiles pick the compiler from CC/CXX: the user ran `make CC=llmcc`.
      o.env_set["CC"] = m_llmcc;
      o.env_set["CXX"] = m_llmcc + "++";
    }
    auto p = run_process(o);
    if (!p) {
      r.log = p.error().message;
      return r;
    }
    if (!p->success()) {
      r.log = fmt::format("{} ({}):\n{}", quote_for_display(o.argv), p->describe(),
                          tail_lines(p->out + p->err, 15));
      return r;
    }
    if (r.output.size() < kBuildOutputLimit) {
      r.output += (p->out + p->err).substr(0, kBuildOutputLimit - r.output.size());
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!seen_file.empty()) {
    std::string seen = fs::read_file(seen_file).value_or("");
    for (const auto& tu : tus) {
      if (!trial_seen(seen, tu.source)) {
        r.log = fmt::format("the rebuild compiled {} without going through llmcc, so a trial config "
                            "cannot reach it. Pass --build-cmd with the command that builds through llmcc "
                            "(e.g. \"make CC=llmcc\")",
                            tu.source);
        return r;
      }
    }
  }
  if (hashed_tu) {
    auto h = hash_file_hex(hashed_tu->output);
    if (!h) {
      r.log = fmt::format("the build succeeded but did not produce {}", hashed_tu->output);
      return r;
    }
    r.object_hash = *h;
  }
  // What the benchmark loads: the binary and the in-tree shared libraries.
  for (const auto& file : m_program.files()) {
    auto b = hash_file_hex(file);
    if (!b) {
      r.log = fmt::format("the build succeeded but did not produce {}", file);
      return r;
    }
    r.binary_hash += *b;
  }
  r.ok = true;
  return r;
}

BuildResult BuildDriver::rebuild(const CapturedCommand& tu, const std::optional<TuneConfig>& config) {
  return run_build({tu}, trial_file_text({{tu.source, config}}), &tu);
}

BuildResult BuildDriver::rebuild_instrumented(const CapturedCommand& tu, const std::optional<TuneConfig>& config,
                                             const std::string& profile_dir, CompilerFamily family) {
  TrialEntry e{tu.source, config, profile_dir, family};
  return run_build({tu}, trial_file_text({e}), &tu);
}

BuildResult BuildDriver::rebuild_plain(const std::vector<CapturedCommand>& tus) {
  std::vector<TrialEntry> entries;
  for (const auto& tu : tus) {
    entries.push_back({tu.source, std::nullopt});
  }
  return run_build(tus, trial_file_text(entries), tus.empty() ? nullptr : &tus.front());
}

BuildResult BuildDriver::rebuild_all_with(const std::vector<CapturedCommand>& tus, const TuneConfig& config) {
  std::vector<TrialEntry> entries;
  for (const auto& tu : tus) {
    entries.push_back({tu.source, config});
  }
  return run_build(tus, trial_file_text(entries), tus.empty() ? nullptr : &tus.front());
}

BuildResult BuildDriver::rebuild_with_winners(const std::vector<CapturedCommand>& tus) {
  return run_build(tus, "", tus.empty() ? nullptr : &tus.front());
}

} // namespace llmcc
