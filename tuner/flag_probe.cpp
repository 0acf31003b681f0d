#include "tuner/flag_probe.h"

#include "flags/option_table.h"
#include "util/log.h"
#include "util/process.h"

namespace llmcc {

namespace {

constexpr std::string_view kParamPrefix = "--param=";
constexpr std::string_view kMllvmPrefix = "-mllvm ";
// Generous: an empty TU compiles in tens of milliseconds; this only guards a hung compiler.
constexpr double kProbeTimeoutSec = 60;

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

class Prober {
public:
  Prober(const std::string& compiler, CompilerFamily family, const std::vector<std::string>& options)
      : m_compiler(compiler), m_family(family), m_options(options) {}

  // Fills `accepted` with the indices of [begin, end) that compile, given that the
  // whole range has not been tried yet.
  void probe(size_t begin, size_t end, std::vector<bool>& accepted) {
    if (begin >= end || m_broken) {
      return;
    }
    if (compiles(begin, end)) {
      for (size_t i = begin; i < end; ++i) {
        accepted[i] = true;
      }
      return;
    }
    if (end - begin == 1) {
      return;
    }
    // Rejections are rare, so halving finds each one in about log2(n) runs while
    // the accepted halves are settled in one run each.
    size_t mid = begin + (end - begin) / 2;
    probe(begin, mid, accepted);
    probe(mid, end, accepted);
  }

  size_t runs() const { return m_runs; }

private:
  bool compiles(size_t begin, size_t end) {
    ProcessOptions po;
    // An empty TU read from /dev/null rather than piped in: a compiler that rejects
    // an option exits before reading its input, and writing to that closed pipe
    // would raise SIGPIPE in llmcc.
    po.argv = {m_compiler, "-c", "-x", "c", "/dev/null", "-o", "/dev/null", "-Werror"};
    for (size_t i = begin; i < end; ++i) {
      for (auto& t : probe_tokens(m_options[i], m_family)) {
        po.argv.push_back(std::move(t));
      }
    }
    po.timeout_sec = kProbeTimeoutSec;
    ++m_runs;
    auto result = run_process(po);
    if (!result.ok()) {
      // Not the options' fault: without a compiler nothing can be called accepted.
      log::warn("cannot probe options of {}: {}", m_compiler, result.error().message);
      m_broken = true;
      return false;
    }
    return result->success();
  }

  const std::string& m_compiler;
  CompilerFamily m_family;
  const std::vector<std::string>& m_options;
  size_t m_runs = 0;
  bool m_broken = false;
};

} // namespace

std::vector<std::string> probe_tokens(const std::string& option, CompilerFamily family) {
  const OptionTable& table = option_table(family);
  if (starts_with(option, kParamPrefix)) {
    std::string name = option.substr(kParamPrefix.size());
    if (name.find('=') != std::string::npos) {
      return {option};
    }
    const ParamSpec* spec = table.find_param(name);
    long v = spec != nullptr ? spec->default_value : 1;
    return {option + "=" + std::to_string(v)};
  }
  if (starts_with(option, kMllvmPrefix)) {
    std::string knob = option.substr(kMllvmPrefix.size());
    if (knob.find('=') != std::string::npos) {
      return {"-mllvm", knob};
    }
    std::string bare = knob;
    while (!bare.empty() && bare.front() == '-') {
      bare.erase(0, 1);
    }
    const ParamSpec* spec = table.find_mllvm(bare);
    long v = spec != nullptr ? spec->default_value : 1;
    return {"-mllvm", knob + "=" + std::to_string(v)};
  }
  if (const FlagSpec* spec = table.find_flag(option)) {
    if (spec->kind == "enum" && !spec->values.empty()) {
      return {option + "=" + spec->values.front()};
    }
    if (spec->kind == "int") {
      return {option + "=" + std::to_string(spec->min)};
    }
  }
  return {option};
}

std::vector<std::string> probe_options(const std::string& compiler_path, CompilerFamily family,
                                       const std::vector<std::string>& options, size_t* compiler_runs) {
  std::vector<bool> accepted(options.size(), false);
  Prober prober(compiler_path, family, options);
  prober.probe(0, options.size(), accepted);
  if (compiler_runs != nullptr) {
    *compiler_runs = prober.runs();
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < options.size(); ++i) {
    if (accepted[i]) {
      out.push_back(options[i]);
    }
  }
  return out;
}

} // namespace llmcc
