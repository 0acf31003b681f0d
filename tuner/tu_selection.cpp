#include "tuner/tu_selection.h"

#include <fmt/format.h>

#include <algorithm>

#include "tuner/object_size.h"
#include "tuner/progress.h"
#include "tuner/profile.h"
#include "tuner/tune_options.h"
#include "util/fs.h"
#include "util/strings.h"
#include "wrapper/tu_context.h"

namespace llmcc {

bool uses_lto(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return starts_with(a, "-flto") && a != "-flto=0" && !starts_with(a, "-flto-");
  });
}

Expected<std::vector<TuPlan>> select_tus(const ProgramMap& program, const TuneOptions& options,
                                         const Config& config, const BenchSpec& bench, Progress& progress,
                                         std::vector<std::string>& notes) {
  std::vector<TuPlan> chosen;
  std::vector<ProgramTu> candidates;
  for (const auto& t : program.tus) {
    std::vector<std::string> args(t.compile.argv.begin() + 1, t.compile.argv.end());
    if (uses_lto(args)) {
      notes.push_back(fmt::format(
          "skipped {}: built with -flto, so code generation happens at link time and per-TU flags "
          "are partly ignored",
          t.compile.source));
      continue;
    }
    candidates.push_back(t);
  }
  if (candidates.empty()) {
    return Error{"no tunable TU in the program (all use LTO or none was compiled through llmcc)"};
  }
  auto make_state = [&](const ProgramTu& t, double share) {
    TuPlan s;
    s.compile = t.compile;
    std::vector<std::string> args(t.compile.argv.begin() + 1, t.compile.argv.end());
    s.source_rel = project_path(t.compile.source, args, t.compile.cwd, config).rel;
    s.share = share;
    return s;
  };
  if (!options.tus.empty()) {
    for (const auto& want : options.tus) {
      std::string abs = fs::real_path(fs::absolute(want, fs::current_dir()));
      bool found = false;
      for (const auto& t : candidates) {
        if (t.compile.source == abs || fs::real_path(t.compile.source) == abs ||
            ends_with(t.compile.source, "/" + want)) {
          chosen.push_back(make_state(t, 1.0));
          found = true;
          break;
        }
      }
      if (!found) {
        return Error{fmt::format("--tu {}: not a TU of {} (known: {})", want, program.binary,
                                 [&] {
                                   std::vector<std::string> names;
                                   for (const auto& t : candidates) {
                                     names.push_back(fs::base_name(t.compile.source));
                                   }
                                   return join(names, ", ");
                                 }())};
      }
    }
    return chosen;
  }
  if (candidates.size() == 1) {
    chosen.push_back(make_state(candidates.front(), 1.0));
    return chosen;
  }
  std::vector<std::string> objects;
  for (const auto& t : candidates) {
    objects.push_back(t.compile.output);
  }
  progress.line(fmt::format("profiling {} TUs of {} with callgrind...", candidates.size(),
                              fs::base_name(program.binary)));
  auto prof = profile_tus(bench, objects, program.files(), 1800);
  std::vector<std::pair<double, const ProgramTu*>> ranked;
  if (prof && std::none_of(prof->tus.begin(), prof->tus.end(), [](const TuCost& c) { return c.cost > 0; })) {
    // Tuning the first TU listed would tune a cold one.
    return Error{fmt::format(
        "the profile of the benchmark attributes no instructions to any TU of {}: {} does not seem to run it. "
        "Check the --bench command (a script must run the program itself), or name the TUs with --tu",
        program.binary, quote_for_display(bench.argv))};
  }
  std::map<const ProgramTu*, std::map<std::string, double>> hot;
  if (prof) {
    for (const auto& c : prof->tus) {
      for (const auto& t : candidates) {
        if (t.compile.output == c.object) {
          ranked.emplace_back(c.share, &t);
          hot[&t] = function_shares(c);
        }
      }
    }
    progress.line(fmt::format("hot TUs (share of {}'s instructions):", fs::base_name(program.binary)));
    for (const auto& [share, t] : ranked) {
      progress.line(fmt::format("  {:5.1f}%  {}", share * 100, fs::base_name(t->compile.source)));
    }
  } else {
    notes.push_back("profiling failed (" + prof.error().message +
                              "); ranking TUs by object size instead");
    for (const auto& t : candidates) {
      auto size = object_code_size(t.compile.output);
      ranked.emplace_back(size ? *size : 0, &t);
    }
    std::sort(ranked.rbegin(), ranked.rend());
    double total = 0;
    for (auto& r : ranked) {
      total += r.first;
    }
    for (auto& r : ranked) {
      r.first = total > 0 ? r.first / total : 0;
    }
  }
  double covered = 0;
  for (const auto& [share, t] : ranked) {
    if (static_cast<int>(chosen.size()) >= options.max_tus || covered >= 0.9 || (share < 0.05 && !chosen.empty())) {
      break;
    }
    chosen.push_back(make_state(*t, share));
    chosen.back().hot = hot[t];
    covered += share;
  }
  if (chosen.empty()) {
    chosen.push_back(make_state(*ranked.front().second, 1.0));
  }
  return chosen;
}

std::vector<TuPlan> select_tus_by_source(const ProgramMap& program, const Config& config,
                                         const std::vector<std::string>& sources) {
  std::vector<TuPlan> out;
  for (const auto& t : program.tus) {
    std::vector<std::string> args(t.compile.argv.begin() + 1, t.compile.argv.end());
    std::string rel = project_path(t.compile.source, args, t.compile.cwd, config).rel;
    if (uses_lto(args) || std::find(sources.begin(), sources.end(), rel) == sources.end()) {
      continue;
    }
    TuPlan p;
    p.compile = t.compile;
    p.source_rel = rel;
    p.share = 1;
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace llmcc
