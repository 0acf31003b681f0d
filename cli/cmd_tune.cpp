// llmcc tune: search per-TU configurations with benchmark feedback.
#include <fmt/format.h>

#include <csignal>
#include <regex>

#include "cli/tool.h"
#include "cli/tune_claims.h"
#include "tuner/progress.h"
#include "tuner/session.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace llmcc::cli {

namespace {

struct TuneArgs {
  TuneOptions o;
  std::string bench, verify, build_cmd, time, holdout;
  bool resume = false;
  bool no_claims = false;
  int64_t llm_budget = 0;
};

// "20m", "90s", "1h30m", "45" (seconds).
bool parse_duration(const std::string& text, double& seconds) {
  static const std::regex re(R"(^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*$)");
  std::smatch m;
  if (text.empty() || !std::regex_match(text, m, re)) {
    return false;
  }
  seconds = 0;
  if (m[1].matched) {
    seconds += std::stod(m[1]) * 3600;
  }
  if (m[2].matched) {
    seconds += std::stod(m[2]) * 60;
  }
  if (m[3].matched) {
    seconds += std::stod(m[3]);
  }
  return seconds > 0;
}

void on_sigint(int) {
  request_tune_stop();
  if (tune_stop_requested()) {
    const char msg[] = "\nllmcc: stopping after the current step (Ctrl-C again to abort it)...\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
  }
  static int count = 0;
  if (++count >= 2) {
    kill_running_children();
  }
}

// Configs shortened as the progress lines show them (whole with -v), so the
// table fits the terminal; `explain`, --json and the report keep them whole.
void print_summary(const TuneSummary& s, bool whole) {
  std::vector<std::vector<std::string>> rows = {{"TU", "STATUS", "BASELINE", "BEST", "GAIN [95% CI]", "TRIALS", "CONFIG"}};
  auto fmt_score = [&](double v) {
    if (v <= 0) {
      return std::string("-");
    }
    if (s.objective == "time") {
      return fmt::format("{:.4f}s", v);
    }
    if (s.objective == "size") {
      return fmt::format("{:.0f} B", v);
    }
    return fmt::format("{:.4g}", v);
  };
  for (const auto& t : s.tus) {
    bool tuned = t.status == TuStatus::Tuned || t.status == TuStatus::Confirmed;
    rows.push_back({t.source_rel, std::string(to_string(t.status)), fmt_score(t.baseline), tuned ? fmt_score(t.best) : "-",
                    tuned ? fmt::format("{:.3f}x [{:.3f}, {:.3f}]", t.speedup, t.speedup_low, t.speedup_high) : "-",
                    t.profile_trials > 0 ? fmt::format("{}+{}", t.trials, t.profile_trials) : std::to_string(t.trials),
                    tuned ? t.config : t.reason});
  }
  if (!whole) {
    const size_t width = terminal_width();
    auto used_without_last = [](std::vector<std::vector<std::string>> t) {
      for (auto& r : t) {
        r.back().clear();
      }
      size_t used = 0;
      for (const auto& line : split(format_table(t), '\n')) {
        used = std::max(used, line.size());
      }
      return used;
    };
    // On a narrow terminal the raw scores go (they are in --json, explain and
    // the report) so the gain and the config fit: no line wraps at 80 columns.
    if (used_without_last(rows) + 30 > width) {
      for (auto& r : rows) {
        r.erase(r.begin() + 2, r.begin() + 4);
      }
    }
    size_t room = std::max<size_t>(width > used_without_last(rows) ? width - used_without_last(rows) : 0, 20);
    for (size_t i = 1; i < rows.size(); ++i) {
      std::string& last = rows[i].back();
      if (s.tus[i - 1].status == TuStatus::Tuned || s.tus[i - 1].status == TuStatus::Confirmed) {
        last = short_config(config_from_display(last), "", room);
      } else if (last.size() > room) {
        last = last.substr(0, room - 3) + "..."; // the whole reason: --json, explain
      }
    }
  }
  fmt::print("\n{}", format_table(rows));
  if (s.program_measured) {
    fmt::print("\nwhole program vs the plain build: {:.3f}x [{:.3f}, {:.3f}]\n", s.program_speedup, s.program_low,
               s.program_high);
    if (s.native_measured) {
      fmt::print("whole program vs -O3 -march=native: {:.3f}x [{:.3f}, {:.3f}]\n", s.native_speedup, s.native_low,
                 s.native_high);
    }
  }
  for (const auto& n : s.notes) {
    fmt::print("note: {}\n", n);
  }
  for (const auto& line : s.worth.describe()) {
    fmt::print("{}\n", line);
  }
  fmt::print("session {} {} after {} trials{} in {:.0f}s\n", s.session_id, to_string(s.state), s.trials,
             s.profile_trials > 0 ? fmt::format(" (+{} profile)", s.profile_trials) : "", s.seconds);
  if (s.state == SessionState::Interrupted) {
    fmt::print("resume with: llmcc tune --resume\n");
  }
}

} // namespace

void register_tune(CLI::App& app, ToolContext& ctx, std::vector<Subcommand>& out) {
  auto* cmd = app.add_subcommand("tune", "find faster per-TU configurations for a program and keep them");
  cmd->footer("Example:\n  llmcc tune --build-dir build --bench \"build/bench_matmul --size 512\" --budget 30\n"
              "Build the program through llmcc first (CC=llmcc CXX=llmcc++) so its compiles and link are "
              "recorded.\nWinners are stored in the database; the build directory is left rebuilt with them.");
  auto a = std::make_shared<TuneArgs>();
  a->o.planner = default_planner(ctx);
  cmd->add_option("--build-dir", a->o.build_dir, "the build directory of the program")->default_val(".");
  cmd->add_option("--bench", a->bench, "benchmark command, e.g. \"build/bench --n 100\" (run without a shell)");
  cmd->add_option("--bench-format", a->o.bench_format, "auto, gbench (Google Benchmark JSON), time, wall, regex")
      ->check(CLI::IsMember({"auto", "gbench", "time", "wall", "regex"}));
  cmd->add_option("--bench-regex", a->o.bench_regex, "read the score from the output: first capture group");
  cmd->add_flag("--higher-is-better", a->o.higher_is_better, "the regex score is a throughput");
  cmd->add_option("--verify", a->verify, "command that must exit 0 for every candidate (tests)");
  cmd->add_option("--compare-output", a->o.compare_output, "compare each candidate's output with the baseline's")
      ->check(CLI::IsMember({"auto", "yes", "no"}));
  cmd->add_option("--objective", a->o.objective, "time, size or instructions (callgrind; deterministic)")
      ->check(CLI::IsMember({"time", "size", "instructions"}));
  cmd->add_option("--budget", a->o.budget,
                  "candidate trials in total (flag configurations: with --pgo, each TU's profile trials come on top, "
                  "at most 2 + its trials/12)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--time", a->time, "stop after this long, e.g. 20m");
  cmd->add_option("--tu", a->o.tus, "tune only these sources (repeatable); default: the hot TUs");
  cmd->add_option("--max-tus", a->o.max_tus, "at most this many hot TUs")->check(CLI::Range(1, 1000));
  cmd->add_option("--target", a->o.target, "build target that produces the benchmark (cmake --build)");
  cmd->add_option("--binary", a->o.binary, "the benchmark's binary, if --bench runs a script");
  cmd->add_option("--build-cmd", a->build_cmd, "command that rebuilds the program (default: ninja/make/cmake --build)");
  cmd->add_option("--planner", a->o.planner, "builtin, random, llm or hybrid");
  cmd->add_option("--llm-budget", a->llm_budget, "tokens the LLM planner may spend in this session");
  cmd->add_option("--seed", a->o.seed, "random seed of the planner");
  cmd->add_option("--repeats", a->o.repeats, "interleaved runs per candidate (time objective)")->check(CLI::Range(2, 100));
  cmd->add_option("--min-gain", a->o.min_gain, "smallest gain worth keeping (0.01 = 1%)");
  cmd->add_flag("--allow-unsafe-math", a->o.allow_unsafe_math, "also try -ffast-math and kin (changes FP results)");
  cmd->add_flag("--pgo{on}", a->o.pgo,
                "profile-guided tuning: train with the benchmark, try profile use per TU after its flag search, "
                "on top of --budget: the user's flags and the best configs with the profile (--pgo=auto|on|off; "
                "default: the pgo setting)")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->add_option("--bench-holdout", a->holdout,
                  "a second benchmark input: a PGO winner must not be slower on it (default: the --verify command, "
                  "measured with the objective)");
  cmd->add_flag("--reconfirm", a->o.reconfirm,
                "re-measure the pulled and imported winners of the program on this host; keep those that hold, "
                "drop the others (docs/sharing.md)");
  cmd->add_flag("--no-claims", a->no_claims,
                "do not claim TUs in the remote store (default: the claims setting; docs/sharing.md)");
  cmd->add_flag("--resume", a->resume,
                "continue the last interrupted session of --build-dir, or retry the TUs its last session skipped "
                "because another host held them");
  cmd->add_flag("--dry-run", a->o.dry_run, "show the plan (binary, TUs, budget), run nothing");
  cmd->add_flag("--json", a->o.json, "print the summary as JSON");
  cmd->add_flag("-q,--quiet", a->o.quiet, "no progress output");
  cmd->add_flag("-v,--verbose", a->o.verbose, "print every candidate's config whole (progress and table)");

  out.push_back({cmd, [&ctx, a] {
                   Store* store = ctx.store();
                   if (!store) {
                     return 1;
                   }
                   TuneOptions o = a->o;
                   std::string err;
                   if (a->resume) {
                     std::string dir = fs::real_path(o.build_dir);
                     auto last = store->latest_session(dir);
                     if (!last || !*last) {
                       log::error("no tuning session recorded for {}", dir.empty() ? o.build_dir : dir);
                       return 1;
                     }
                     if ((*last)->state == SessionState::Done && !left_tus_to_other_hosts((*last)->summary)) {
                       log::error("the last session ({}) of {} finished; nothing to resume", (*last)->id, dir);
                       return 1;
                     }
                     bool json = o.json, quiet = o.quiet, verbose = o.verbose;
                     o = TuneOptions::from_json((*last)->args);
                     o.resume_session = (*last)->id;
                     o.json = json;
                     o.quiet = quiet;
                     o.verbose = verbose;
                   } else {
                     if (a->bench.empty()) {
                       log::error("--bench is required (the command that runs the benchmark)");
                       return 2;
                     }
                     if (!split_shell_words(a->bench, o.bench, &err) ||
                         (!a->verify.empty() && !split_shell_words(a->verify, o.verify, &err)) ||
                         (!a->holdout.empty() && !split_shell_words(a->holdout, o.bench_holdout, &err)) ||
                         (!a->build_cmd.empty() && !split_shell_words(a->build_cmd, o.build_cmd, &err))) {
                       log::error("cannot parse a command: {}", err);
                       return 2;
                     }
                     if (!a->time.empty() && !parse_duration(a->time, o.time_limit_sec)) {
                       log::error("--time {}: expected a duration like 90s, 20m or 1h", a->time);
                       return 2;
                     }
                     if (!o.bench_regex.empty()) {
                       try {
                         std::regex check(o.bench_regex);
                       } catch (const std::regex_error& e) {
                         log::error("--bench-regex: {}", e.what());
                         return 2;
                       }
                     }
                   }
                   std::signal(SIGINT, on_sigint);
                   auto llm_usage = std::make_shared<LlmUsage>();
                   std::unique_ptr<TuClaims> claims =
                       o.dry_run || o.reconfirm ? nullptr : open_claims(ctx.config(), a->no_claims);
                   auto summary = run_tune_session(o, ctx.config(), *store,
                                                   planner_factory(ctx, a->llm_budget, llm_usage), claims.get());
                   claims.reset();
                   std::signal(SIGINT, SIG_DFL);
                   if (!summary) {
                     log::error("{}", summary.error().message);
                     return 1;
                   }
                   if ((o.planner == "llm" || o.planner == "hybrid") && summary->state != SessionState::DryRun) {
                     // Planners live per TU, so the session itself never sees the
                     // LLM's cost; it joins the stored summary here for `explain`.
                     summary->worth.usage = *llm_usage;
                     // Only the worth changes: what the session stored for --resume stays.
                     nlohmann::json stored = summary->to_json();
                     if (auto row = store->session(summary->session_id); row && *row) {
                       stored = (*row)->summary;
                       stored["worth"] = summary->to_json()["worth"];
                     }
                     (void)store->update_session(summary->session_id, summary->state, stored);
                   }
                   if (o.json) {
                     fmt::print("{}\n", summary->to_json().dump(2));
                   } else if (summary->state == SessionState::DryRun) {
                     for (const auto& n : summary->notes) {
                       fmt::print("{}\n", n);
                     }
                     for (const auto& t : summary->tus) {
                       fmt::print("  tune {}: {}\n", t.source_rel, t.reason);
                     }
                   } else {
                     print_summary(*summary, o.verbose);
                   }
                   return summary->state == SessionState::Interrupted ? 130 : 0;
                 }});
}

} // namespace llmcc::cli
