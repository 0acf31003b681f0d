#include "tuner/objective.h"

#include "util/fs.h"
#include "util/process.h"
#include "util/strings.h"

#include <elf.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>

namespace llmcc {

std::string_view objective_name(Objective o) {
  switch (o) {
  case Objective::Time:
    return "time";
  case Objective::Size:
    return "size";
  case Objective::Instructions:
    return "instructions";
  }
  return "time";
}

Expected<Objective> parse_objective(const std::string& s) {
  std::string l = to_lower(trim(s));
  if (l == "time") {
    return Objective::Time;
  }
  if (l == "size") {
    return Objective::Size;
  }
  if (l == "instructions" || l == "instr" || l == "ir") {
    return Objective::Instructions;
  }
  return Error{fmt::format("unknown objective '{}' (expected time, size or instructions)", s)};
}

namespace {

// Accepts surrounding whitespace and a leading '+', which from_chars does not.
std::optional<double> parse_number(std::string_view s) {
  std::string t = trim(s);
  std::string_view v = t;
  if (!v.empty() && v.front() == '+') {
    v.remove_prefix(1);
  }
  if (v.empty()) {
    return std::nullopt;
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::optional<double> time_unit_seconds(const std::string& unit) {
  if (unit == "ns") {
    return 1e-9;
  }
  if (unit == "us") {
    return 1e-6;
  }
  if (unit == "ms") {
    return 1e-3;
  }
  if (unit == "s") {
    return 1.0;
  }
  return std::nullopt;
}

// Programs sometimes print their own lines before the JSON document; the
// document itself starts with a line that is just "{".
std::optional<nlohmann::json> parse_json_document(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    return j;
  }
  size_t begin = starts_with(text, "{") ? 0 : text.find("\n{");
  if (begin != std::string::npos && begin != 0) {
    ++begin;
  }
  size_t end = text.rfind("\n}");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return std::nullopt;
  }
  j = nlohmann::json::parse(text.substr(begin, end + 2 - begin), nullptr, false);
  if (j.is_discarded()) {
    return std::nullopt;
  }
  return j;
}

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
      return Error{fmt::format("cannot create a temporary directory in {}: {}", base, std::strerror(errno))};
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
std::string valgrind_error_line(const std::string& log_path) {
  auto log = fs::read_file(log_path);
  if (!log) {
    return "";
  }
  std::string last;
  for (const auto& line : split(*log, '\n')) {
    if (starts_with(line, "valgrind:")) {
      last = trim(line);
    }
  }
  return last;
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

Expected<std::map<std::string, double>> parse_gbench_json(const std::string& text) {
  auto doc = parse_json_document(text);
  if (!doc) {
    return Error{"output is not JSON"};
  }
  const nlohmann::json& j = *doc;
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array()) {
    return Error{"JSON has no 'benchmarks' array"};
  }
  struct Entry {
    std::string name;
    bool aggregate = false;
    std::string aggregate_name;
    double seconds = 0;
  };
  std::vector<Entry> entries;
  for (const auto& b : j["benchmarks"]) {
    if (!b.is_object()) {
      continue;
    }
    std::string name = b.value("run_name", b.value("name", std::string()));
    if (name.empty()) {
      return Error{"benchmark entry without a name"};
    }
    if (b.value("error_occurred", false)) {
      return Error{fmt::format("benchmark {} reported an error: {}", name, b.value("error_message", std::string()))};
    }
    Entry e;
    e.name = name;
    e.aggregate = b.value("run_type", std::string()) == "aggregate";
    e.aggregate_name = b.value("aggregate_name", std::string());
    // stddev and cv aggregates are not times; cv is even reported in percent.
    if (e.aggregate && e.aggregate_name != "mean" && e.aggregate_name != "median") {
      continue;
    }
    // Not emitted by every Google Benchmark version; honoured when present.
    bool real = b.value("use_real_time", false) || b.value("use_manual_time", false);
    const char* field = real ? "real_time" : "cpu_time";
    if (!b.contains(field) || !b[field].is_number()) {
      return Error{fmt::format("benchmark {} has no {}", name, field)};
    }
    auto unit = time_unit_seconds(b.value("time_unit", std::string("ns")));
    if (!unit) {
      return Error{fmt::format("benchmark {} has an unknown time_unit", name)};
    }
    e.seconds = b[field].get<double>() * *unit;
    if (!(e.seconds > 0) || !std::isfinite(e.seconds)) {
      // A zero time would make the geometric mean zero: an unbeatable fake score.
      return Error{fmt::format("benchmark {} reported a non-positive time", name)};
    }
    entries.push_back(std::move(e));
  }
  bool has_runs = std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return !e.aggregate; });
  std::map<std::string, std::vector<double>> runs;
  std::map<std::string, double> medians;
  std::map<std::string, double> means;
  for (const auto& e : entries) {
    if (has_runs && !e.aggregate) {
      runs[e.name].push_back(e.seconds);
    } else if (!has_runs) {
      (e.aggregate_name == "median" ? medians : means)[e.name] = e.seconds;
    }
  }
  std::map<std::string, double> out;
  for (auto& [name, v] : runs) {
    // Repetitions of one benchmark: their median, robust to one slow repetition.
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    out[name] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  for (const auto& [name, v] : means) {
    out[name] = v;
  }
  for (const auto& [name, v] : medians) {
    out[name] = v;
  }
  if (out.empty()) {
    return Error{"no benchmarks in JSON"};
  }
  return out;
}

Expected<double> parse_regex_score(const std::string& text, const std::string& regex) {
  std::regex re;
  try {
    re = std::regex(regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error{fmt::format("invalid regex '{}': {}", regex, e.what())};
  }
  // Line by line: libstdc++'s matcher recurses per character, so one search over
  // megabytes of output could overflow the stack.
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    std::smatch m;
    bool found = false;
    try {
      found = std::regex_search(line, m, re);
    } catch (const std::regex_error&) {
      found = false; // complexity or stack limits on a pathological line
    }
    if (found) {
      std::string captured = m.size() > 1 ? m[1].str() : m[0].str();
      auto v = parse_number(captured);
      if (!v) {
        return Error{fmt::format("regex matched '{}', which is not a number", captured)};
      }
      return *v;
    }
    if (nl == std::string::npos) {
      break;
    }
    pos = nl + 1;
  }
  return Error{fmt::format("no match for regex '{}'", regex)};
}

Expected<double> parse_callgrind_total(const std::string& text) {
  size_t ir_index = 0;
  std::optional<double> totals;
  std::optional<double> summary;
  for (const auto& raw : split(text, '\n')) {
    std::string_view line = raw;
    auto field_values = [&](std::string_view key) -> std::optional<std::vector<std::string>> {
      if (!starts_with(line, key)) {
        return std::nullopt;
      }
      std::vector<std::string> out;
      for (auto& w : split(line.substr(key.size()), ' ')) {
        std::string t = trim(w);
        if (!t.empty()) {
          out.push_back(t);
        }
      }
      return out;
    };
    if (auto events = field_values("events:")) {
      // Ir is first unless someone configured extra events; find it anyway.
      auto it = std::find(events->begin(), events->end(), "Ir");
      ir_index = it == events->end() ? 0 : static_cast<size_t>(it - events->begin());
    } else if (auto t = field_values("totals:")) {
      if (ir_index < t->size()) {
        totals = parse_number((*t)[ir_index]);
      }
    } else if (auto s = field_values("summary:")) {
      if (ir_index < s->size()) {
        summary = parse_number((*s)[ir_index]);
      }
    }
  }
  std::optional<double> v = totals ? totals : summary;
  if (!v) {
    return Error{"no totals or summary line in callgrind output"};
  }
  if (*v <= 0) {
    return Error{"callgrind counted no instructions"};
  }
  return *v;
}

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
  std::string callgrind_out;
  std::string valgrind_log;
  if (objective == Objective::Instructions) {
    auto d = TempDir::create("llmcc-callgrind-");
    if (!d) {
      s.failure = d.error().message;
      return s;
    }
    tmp.emplace(std::move(*d));
    callgrind_out = tmp->path() + "/callgrind.out";
    valgrind_log = tmp->path() + "/valgrind.log";
    // --log-file keeps valgrind's banner out of the program's stderr, which
    // regex scores and the user read.
    std::vector<std::string> argv = {"valgrind", "--tool=callgrind", "--callgrind-out-file=" + callgrind_out,
                                     "--log-file=" + valgrind_log};
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
    if (objective == Objective::Instructions && !r.timed_out) {
      std::string why = valgrind_error_line(valgrind_log);
      if (!why.empty()) {
        s.failure += ": " + why;
      }
    }
    return s;
  }

  if (objective == Objective::Instructions) {
    auto text = fs::read_file(callgrind_out);
    if (!text) {
      s.failure = "no callgrind output: " + text.error().message;
      return s;
    }
    auto ir = parse_callgrind_total(*text);
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

namespace {

struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Shdr = Elf32_Shdr;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Shdr = Elf64_Shdr;
};

bool counted_section(std::string_view name) {
  static const char* const prefixes[] = {".text", ".data", ".rodata", ".bss", ".ldata", ".lrodata", ".lbss"};
  for (const char* p : prefixes) {
    size_t n = std::strlen(p);
    // ".text" and ".text.hot" count; ".textual" would not be a code section.
    if (starts_with(name, p) && (name.size() == n || name[n] == '.')) {
      return true;
    }
  }
  return false;
}

template <class E> Expected<double> elf_size(const std::string& data, const std::string& path) {
  using Ehdr = typename E::Ehdr;
  using Shdr = typename E::Shdr;
  auto bad = [&](std::string_view why) { return Error{fmt::format("{}: malformed ELF ({})", path, why)}; };
  if (data.size() < sizeof(Ehdr)) {
    return bad("truncated header");
  }
  Ehdr eh;
  std::memcpy(&eh, data.data(), sizeof eh);
  if (eh.e_shoff == 0) {
    return bad("no section headers");
  }
  if (eh.e_shentsize < sizeof(Shdr)) {
    return bad("section header size");
  }
  auto section = [&](uint64_t i) -> std::optional<Shdr> {
    uint64_t off = eh.e_shoff + i * eh.e_shentsize;
    if (off < eh.e_shoff || off > data.size() || data.size() - off < sizeof(Shdr)) {
      return std::nullopt;
    }
    Shdr sh;
    std::memcpy(&sh, data.data() + off, sizeof sh);
    return sh;
  };
  auto first = section(0);
  if (!first) {
    return bad("section headers out of range");
  }
  // Past 0xff00 sections the real count and string table index live in section 0.
  uint64_t count = eh.e_shnum != 0 ? eh.e_shnum : first->sh_size;
  uint64_t strndx = eh.e_shstrndx != SHN_XINDEX ? eh.e_shstrndx : first->sh_link;
  auto strtab = section(strndx);
  if (strndx >= count || !strtab) {
    return bad("section name table");
  }
  uint64_t str_off = strtab->sh_offset;
  uint64_t str_size = strtab->sh_size;
  if (str_off > data.size() || data.size() - str_off < str_size) {
    return bad("section name table out of range");
  }
  double total = 0;
  for (uint64_t i = 1; i < count; ++i) {
    auto sh = section(i);
    if (!sh) {
      return bad("section headers out of range");
    }
    if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_name >= str_size) {
      continue;
    }
    const char* name = data.data() + str_off + sh->sh_name;
    size_t max_len = static_cast<size_t>(str_size - sh->sh_name);
    std::string_view n(name, strnlen(name, max_len));
    if (counted_section(n)) {
      total += static_cast<double>(sh->sh_size);
    }
  }
  return total;
}

} // namespace

Expected<double> object_code_size(const std::string& path) {
  auto data = fs::read_file(path);
  if (!data) {
    return data.error();
  }
  const std::string& d = *data;
  if (d.size() < EI_NIDENT || std::memcmp(d.data(), ELFMAG, SELFMAG) != 0) {
    return Error{fmt::format("{}: not an ELF file", path)};
  }
  // Headers are read in host byte order; objects for another endianness are
  // not what a tuner running here measures.
  const int host_data = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
  if (static_cast<unsigned char>(d[EI_DATA]) != host_data) {
    return Error{fmt::format("{}: ELF byte order differs from the host's", path)};
  }
  switch (static_cast<unsigned char>(d[EI_CLASS])) {
  case ELFCLASS64:
    return elf_size<Elf64>(d, path);
  case ELFCLASS32:
    return elf_size<Elf32>(d, path);
  default:
    return Error{fmt::format("{}: unknown ELF class", path)};
  }
}

} // namespace llmcc
