#include "flags/pipeline_check.h"

#include "util/enum_names.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace llmcc {

namespace {

constexpr size_t kMaxPipelineChars = 8192;
// Real pipelines nest three or four levels (module > cgscc > function > loop);
// the limit keeps a hostile one from recursing without bound.
constexpr int kMaxPipelineDepth = 8;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

enum class PassContext { Module, Cgscc, Function, Loop, LoopMssa };

// The adaptors of opt's pipeline syntax: name(...) runs the inner list at a lower
// level. Grammar, not data, so it lives here rather than in the table. The same
// spellings name the pass levels of the table (all but loop-mssa).
constexpr EnumNames<PassContext, 5> kContextNames = {{
    {PassContext::Module, "module"},
    {PassContext::Cgscc, "cgscc"},
    {PassContext::Function, "function"},
    {PassContext::Loop, "loop"},
    {PassContext::LoopMssa, "loop-mssa"},
}};

std::string_view context_name(PassContext c) {
  return name_of(kContextNames, c, "?");
}

std::optional<PassContext> adaptor_inner(std::string_view name) {
  return from_names(kContextNames, name);
}

bool adaptor_allowed(PassContext outer, PassContext inner) {
  switch (inner) {
  case PassContext::Module:
  case PassContext::Cgscc:
    return outer == PassContext::Module;
  case PassContext::Function:
    return outer == PassContext::Module || outer == PassContext::Cgscc;
  case PassContext::Loop:
  case PassContext::LoopMssa:
    return outer == PassContext::Function;
  }
  return false;
}

// A recursive-descent check of opt's -passes grammar, restricted to known passes
// placed at a level where opt accepts them (opt aborts on, e.g., licm outside
// loop-mssa). Pass parameters are checked only for their characters: opt rejects
// unknown ones with an error, and none of them names a file.
class PipelineChecker {
public:
  PipelineChecker(const OptionTable& t, std::string_view text) : m_table(t), m_text(text) {}

  std::optional<std::string> run() {
    for (char c : m_text) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_<>(),;=").find(c) != std::string_view::npos;
      if (!ok) {
        return fail("character " + describe_char(c) + " is not allowed in a pipeline");
      }
    }
    auto top = top_context();
    if (!top) {
      return m_error;
    }
    if (!list(*top, 1)) {
      return m_error;
    }
    if (m_pos != m_text.size()) {
      return fail("unexpected " + describe_char(m_text[m_pos]) + " at offset " +
                  std::to_string(m_pos));
    }
    return std::nullopt;
  }

private:
  static std::string describe_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      return "\\x" + std::string(1, "0123456789abcdef"[u >> 4]) + "0123456789abcdef"[u & 15];
    }
    return std::string("'") + c + "'";
  }

  std::string fail(std::string why) {
    if (m_error.empty()) {
      m_error = std::move(why);
    }
    return m_error;
  }

  std::string_view name_at(size_t pos) const {
    size_t end = pos;
    while (end < m_text.size() && ((m_text[end] >= 'a' && m_text[end] <= 'z') ||
                                   (m_text[end] >= '0' && m_text[end] <= '9') ||
                                   m_text[end] == '-' || m_text[end] == '_')) {
      ++end;
    }
    return m_text.substr(pos, end - pos);
  }

  // opt infers the outermost level from the first element, as does this.
  std::optional<PassContext> top_context() {
    std::string_view first = name_at(0);
    if (auto inner = adaptor_inner(first)) {
      bool loopish = *inner == PassContext::Loop || *inner == PassContext::LoopMssa;
      return loopish ? PassContext::Function : PassContext::Module;
    }
    auto it = m_table.pass_levels.find(std::string(first));
    if (it == m_table.pass_levels.end()) {
      fail(first.empty() ? std::string("empty pass name")
                         : "unknown pass \"" + std::string(first.substr(0, 40)) + "\"");
      return std::nullopt;
    }
    // The table's levels are module, cgscc, function and loop (option_table checks).
    return from_names(kContextNames, it->second).value_or(PassContext::Loop);
  }

  bool list(PassContext ctx, int depth) {
    if (depth > kMaxPipelineDepth) {
      fail("nested more than " + std::to_string(kMaxPipelineDepth) + " levels deep");
      return false;
    }
    while (true) {
      if (!element(ctx, depth)) {
        return false;
      }
      if (m_pos < m_text.size() && m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      return true;
    }
  }

  bool element(PassContext ctx, int depth) {
    std::string_view name = name_at(m_pos);
    if (name.empty()) {
      fail(m_pos < m_text.size() ? "expected a pass name at offset " + std::to_string(m_pos)
                                 : std::string("expected a pass name at the end"));
      return false;
    }
    m_pos += name.size();
    std::string_view params;
    if (m_pos < m_text.size() && m_text[m_pos] == '<') {
      size_t close = m_text.find('>', m_pos);
      if (close == std::string_view::npos) {
        fail("unbalanced '<' after \"" + std::string(name) + "\"");
        return false;
      }
      params = m_text.substr(m_pos + 1, close - m_pos - 1);
      if (params.empty() || params.find_first_of("<(),") != std::string_view::npos) {
        fail("malformed parameters for \"" + std::string(name) + "\"");
        return false;
      }
      m_pos = close + 1;
    }
    bool nested = m_pos < m_text.size() && m_text[m_pos] == '(';

    if (auto inner = adaptor_inner(name)) {
      if (!params.empty() || !nested) {
        fail("\"" + std::string(name) + "\" must be followed by (pass,...)");
        return false;
      }
      if (!adaptor_allowed(ctx, *inner)) {
        fail(std::string(name) + "(...) cannot appear at " + std::string(context_name(ctx)) +
             " level");
        return false;
      }
      ++m_pos;
      if (!list(*inner, depth + 1)) {
        return false;
      }
      if (m_pos >= m_text.size() || m_text[m_pos] != ')') {
        fail("unbalanced '(' after \"" + std::string(name) + "\"");
        return false;
      }
      ++m_pos;
      return true;
    }

    auto it = m_table.pass_levels.find(std::string(name));
    if (it == m_table.pass_levels.end()) {
      fail("unknown pass \"" + std::string(name.substr(0, 40)) + "\"");
      return false;
    }
    if (nested) {
      fail("\"" + std::string(name) + "\" is a pass, not an adaptor: it takes no (...)");
      return false;
    }
    if (name == "default") {
      static const std::set<std::string_view> levels = {"O0", "O1", "O2", "O3", "Os", "Oz"};
      if (!levels.count(params)) {
        fail("default<...> needs one of O0, O1, O2, O3, Os, Oz");
        return false;
      }
    }
    return placed_ok(it->second, name, ctx);
  }

  bool placed_ok(const std::string& level, std::string_view name, PassContext ctx) {
    bool ok = false;
    if (level == "module") {
      ok = ctx == PassContext::Module;
    } else if (level == "cgscc") {
      ok = ctx == PassContext::Cgscc;
    } else if (level == "function") {
      ok = ctx == PassContext::Function;
    } else if (level == "loop") {
      bool mssa = contains(m_table.mssa_passes, name);
      // opt wraps a bare loop pass in a function without MemorySSA.
      ok = ctx == PassContext::LoopMssa ||
           (!mssa && (ctx == PassContext::Loop || ctx == PassContext::Function));
      if (!ok && mssa) {
        fail("\"" + std::string(name) + "\" must run inside loop-mssa(...)");
        return false;
      }
    }
    if (!ok) {
      fail("\"" + std::string(name) + "\" is a " + level + " pass; it cannot run at " +
           std::string(context_name(ctx)) + " level");
    }
    return ok;
  }

  const OptionTable& m_table;
  std::string_view m_text;
  size_t m_pos = 0;
  std::string m_error;
};

} // namespace

std::optional<std::string> check_pipeline(const OptionTable& t, CompilerFamily family,
                                          const std::string& pipeline) {
  if (family != CompilerFamily::Clang) {
    return std::string("pass pipelines are clang-only");
  }
  if (pipeline.size() > kMaxPipelineChars) {
    return "longer than " + std::to_string(kMaxPipelineChars) + " characters";
  }
  return PipelineChecker(t, pipeline).run();
}

} // namespace llmcc
