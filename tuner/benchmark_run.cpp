#include "tuner/benchmark_run.h"

#include "tuner/benchmark_output.h"
#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

namespace llmcc {

bool valgrind_could_not_decode(const std::string& log) {
  // "vex amd64->IR: unhandled instruction bytes", then SIGILL.
  return log.find("unhandled instruction bytes") != std::string::npos;
}

namespace {

double geometric_mean(const std::map<std::string, double>& values) {
  double log_sum = 0;
  for (const auto& [name, v] : values) {
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

// A mkdtemp directory that is removed with everything in it.
class TempDir {
public:
  static Expected<TempDir> create(std::string_view prefix) {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp && *tmp ? tmp : "/tmp";
    std::string templ = fmt::format("{}/{}XXXXXX", base, prefix);
    if (!::mkdtemp(templ.data())) {
      return Error{
          fmt::format("cannot create a temporary directory in {}: {}", base, std::strerror(errno))};
    }
    TempDir d;
    d.m_path = templ;
    return d;
  }
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& o) noexcept : m_path(std::move(o.m_path)) { o.m_path.clear(); }
  ~TempDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_path, ec);
    }
  }
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

bool has_format_arg(const std::vector<std::string>& argv) {
  return std::any_of(argv.begin() + (argv.empty() ? 0 : 1), argv.end(),
                     [](const std::string& a) { return starts_with(a, "--benchmark_format"); });
}

// Valgrind's own complaints ("valgrind: ./x: No such file or directory") are
// the only useful part of its log when the run fails.
// The last "valgrind: ..." line any process logged in `dir`.
std::string valgrind_error_line(const std::string& dir) {
  std::string last;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!starts_with(entry.path().filename().string(), "valgrind.log")) {
      continue;
    }
    for (const auto& line : split(fs::read_file(entry.path().string()).value_or(""), '\n')) {
      if (starts_with(line, "valgrind:")) {
        last = trim(line);
      }
    }
  }
  return last;
}

// Whether some process valgrind followed (one log each in `dir`) died on an
// instruction valgrind could not decode.
bool some_log_could_not_decode(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (starts_with(entry.path().filename().string(), "valgrind.log") &&
        valgrind_could_not_decode(fs::read_file(entry.path().string()).value_or(""))) {
      return true;
    }
  }
  return false;
}

// Instructions of every process callgrind followed (one output file each).
Expected<double> callgrind_total_of_dir(const std::string& dir) {
  double total = 0;
  int files = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!starts_with(entry.path().filename().string(), "callgrind.out")) {
      continue;
    }
    auto text = fs::read_file(entry.path().string());
    if (!text) {
      return Error{"no callgrind output: " + text.error().message};
    }
    auto ir = parse_callgrind_total(*text);
    if (!ir) {
      return Error{ir.error()};
    }
    total += *ir;
    ++files;
  }
  if (files == 0) {
    return Error{"no callgrind output in " + dir};
  }
  return total;
}

void score_from_time(const std::string& format, const ProcessResult& r, RunSample& s) {
  s.score = format == "wall" ? r.wall_sec : r.user_sec + r.sys_sec;
  s.ok = true;
}

void score_from_gbench(const std::map<std::string, double>& per, RunSample& s) {
  s.per_benchmark = per;
  s.score = geometric_mean(per);
  s.ok = true;
}

} // namespace

RunSample run_benchmark(const BenchSpec& spec, Objective objective) {
  RunSample s;
  if (spec.argv.empty()) {
    s.failure = "empty benchmark command";
    return s;
  }
  const std::string& format = spec.format;
  static const char* const formats[] = {"auto", "time", "wall", "gbench", "regex"};
  if (std::find(std::begin(formats), std::end(formats), format) == std::end(formats)) {
    s.failure = fmt::format("unknown benchmark format '{}'", format);
    return s;
  }
  if (format == "regex" && spec.regex.empty()) {
    s.failure = "format regex needs a regex";
    return s;
  }

  ProcessOptions po;
  po.cwd = spec.cwd;
  po.env_set = spec.env;
  po.timeout_sec = spec.timeout_sec;
  po.argv = spec.argv;
  if (format == "gbench" && !has_format_arg(spec.argv)) {
    po.argv.push_back("--benchmark_format=json");
  }

  std::optional<TempDir> tmp;
  if (objective == Objective::Instructions) {
    auto d = TempDir::create("llmcc-callgrind-");
    if (!d) {
      s.failure = d.error().message;
      return s;
    }
    tmp.emplace(std::move(*d));
    // --log-file keeps valgrind's banner out of the program's stderr, which
    // regex scores and the user read. A benchmark may be a script that runs
    // the program: every process is followed and counted, one file each.
    std::vector<std::string> argv = {"valgrind", "--tool=callgrind", "--trace-children=yes",
                                     "--callgrind-out-file=" + tmp->path() + "/callgrind.out.%p",
                                     "--log-file=" + tmp->path() + "/valgrind.log.%p"};
    argv.insert(argv.end(), po.argv.begin(), po.argv.end());
    po.argv = std::move(argv);
  }

  auto res = run_process(po);
  if (!res) {
    s.failure = res.error().message;
    return s;
  }
  const ProcessResult& r = *res;
  s.output = r.out;
  s.wall_sec = r.wall_sec;
  s.cpu_sec = r.user_sec + r.sys_sec;
  if (!r.success()) {
    s.failure = r.describe();
    if (objective == Objective::Instructions && !r.timed_out && some_log_could_not_decode(tmp->path())) {
      s.unmeasurable = true;
      s.failure = fmt::format("{}: callgrind cannot run this program (valgrind does not decode some of its "
                              "instructions, e.g. AVX-512 from -march=native); --objective time measures it",
                              r.describe());
      return s;
    }
    if (objective == Objective::Instructions && !r.timed_out) {
      std::string why = valgrind_error_line(tmp->path());
      if (!why.empty()) {
        s.failure += ": " + why;
      }
    }
    return s;
  }

  if (objective == Objective::Instructions) {
    auto ir = callgrind_total_of_dir(tmp->path());
    if (!ir) {
      s.failure = ir.error().message;
      return s;
    }
    s.score = *ir;
    s.ok = true;
    return s;
  }

  // Size is scored from the object files; a run under it still needs a
  // score for the record, and CPU time is the honest one.
  if (format == "time" || format == "wall") {
    score_from_time(format, r, s);
  } else if (format == "auto") {
    auto per = parse_gbench_json(r.out);
    if (per) {
      score_from_gbench(*per, s);
    } else {
      score_from_time("time", r, s);
    }
  } else if (format == "gbench") {
    auto per = parse_gbench_json(r.out);
    if (!per) {
      s.failure = "no score in output: " + per.error().message;
      return s;
    }
    score_from_gbench(*per, s);
  } else if (format == "regex") {
    auto v = parse_regex_score(r.out, spec.regex);
    if (!v) {
      v = parse_regex_score(r.err, spec.regex);
    }
    if (!v) {
      s.failure = "no score in output: " + v.error().message;
      return s;
    }
    if (spec.higher_is_better) {
      if (!(*v > 0)) {
        s.failure = fmt::format("no score in output: throughput {} is not positive", *v);
        return s;
      }
      s.score = 1.0 / *v;
    } else {
      s.score = *v;
    }
    s.ok = true;
  }
  return s;
}

} // namespace llmcc
