#include "llm/llm_planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "llm/reply_parser.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/strings.h"

namespace llmcc {

namespace {

// Rounds whose replies all fail to parse, or whose candidates are all dropped,
// before the planner stops spending tokens on the endpoint.
constexpr int kMaxBadRepliesInRow = 2;
constexpr int kMaxEmptyRoundsInRow = 3;

// A setting from the configuration when it knows the key, else LLMCC_<KEY>.
std::string setting(const Config& config, const std::string& key) {
  const auto& all = config.all();
  if (auto it = all.find(key); it != all.end()) {
    return it->second.value;
  }
  std::string env = "LLMCC_";
  for (char c : key) {
    env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const char* v = std::getenv(env.c_str());
  return v ? std::string(v) : std::string();
}

template <class T> void read_number(const Config& config, const std::string& key, T& out) {
  std::string text = trim(setting(config, key));
  if (text.empty()) {
    return;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) {
    log::warn("ignoring {}={}: not a non-negative number", key, text);
    return;
  }
  out = static_cast<T>(v);
}

void read_bool(const Config& config, const std::string& key, bool& out) {
  std::string text = to_lower(trim(setting(config, key)));
  if (text.empty()) {
    return;
  }
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "0" || text == "false" || text == "no" || text == "off") {
    out = false;
  } else {
    log::warn("ignoring {}={}: not a boolean", key, text);
  }
}

int64_t estimate_tokens(size_t chars) { return static_cast<int64_t>(chars / 4 + 1); }

std::string messages_hash(const std::string& model, const std::vector<ChatMessage>& messages) {
  Hasher h;
  h.field("llmcc-llm-cache-v1").field(model);
  for (const auto& m : messages) {
    h.field(m.role).field(m.content);
  }
  return h.hex();
}

} // namespace

ChatSettings LlmSettings::chat() const {
  ChatSettings c;
  c.base_url = url;
  c.model = model;
  c.api_key_env = api_key_env;
  c.connect_timeout_sec = connect_timeout_sec;
  c.timeout_sec = timeout_sec;
  c.max_retries = retries;
  c.backoff_sec = backoff_sec;
  c.temperature = temperature;
  c.max_tokens = max_tokens;
  c.json_mode = json_mode;
  c.reply_schema = reply_schema();
  return c;
}

LlmSettings llm_settings(const Config& config) {
  LlmSettings s;
  s.url = trim(config.str("llm_url"));
  s.model = trim(config.str("llm_model"));
  if (std::string env = trim(config.str("llm_api_key_env")); !env.empty()) {
    s.api_key_env = env;
  }
  read_number(config, "llm_timeout", s.timeout_sec);
  read_number(config, "llm_connect_timeout", s.connect_timeout_sec);
  read_number(config, "llm_retries", s.retries);
  read_number(config, "llm_k", s.k);
  read_number(config, "llm_budget", s.token_budget);
  read_number(config, "llm_requests", s.request_budget);
  read_number(config, "llm_temperature", s.temperature);
  read_number(config, "llm_max_tokens", s.max_tokens);
  read_number(config, "llm_share", s.hybrid_share);
  read_bool(config, "llm_replay", s.replay);
  read_bool(config, "llm_json_mode", s.json_mode);
  s.k = std::clamp<size_t>(s.k, 1, 16);
  s.hybrid_share = std::clamp(s.hybrid_share, 0.0, 1.0);
  return s;
}

std::string default_planner_kind(const LlmSettings& settings) {
  return settings.url.empty() && !settings.replay ? "builtin" : "hybrid";
}

std::string llm_unavailable_status(const std::string& why) {
  return fmt::format("LLM unavailable ({}), continuing with the built-in planner", why);
}

// --- LlmPlanner -------------------------------------------------------------

LlmPlanner::LlmPlanner(LlmSettings settings, Store* store, std::unique_ptr<ChatTransport> transport)
    : m_settings(std::move(settings)), m_store(store), m_transport(std::move(transport)) {
  auto templates = load_templates(m_settings.templates_dir);
  if (templates) {
    m_templates = std::move(*templates);
  } else {
    m_templates = default_templates();
    give_up(templates.error().message);
  }
  recall_reply_format();
}

void LlmPlanner::recall_reply_format() {
  if (!m_store || !m_transport || !m_transport->reply_format() || m_settings.replay) {
    return;
  }
  auto stored = m_store->llm_endpoint_format(m_settings.url);
  if (!stored || !*stored) {
    return;
  }
  if (auto f = reply_format_from_string(**stored)) {
    m_transport->assume_reply_format(*f);
    m_known_format = *f;
  }
}

void LlmPlanner::remember_reply_format() {
  auto f = m_transport->reply_format();
  if (!m_store || !f || f == m_known_format) {
    return;
  }
  if (Status s = m_store->put_llm_endpoint_format(m_settings.url, std::string(to_string(*f))); !s) {
    log::debug("cannot remember the endpoint's reply format: {}", s.message());
    return;
  }
  m_known_format = f;
}

void LlmPlanner::start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) {
  m_ctx = ctx;
  m_outcomes = history;
  m_tried.clear();
  m_queue.clear();
  m_last_rejected.clear();
  m_tried.insert(ctx.baseline.canonical());
  for (const auto& o : history) {
    m_tried.insert(o.config.canonical());
  }
  m_bad_replies_in_row = 0;
  m_empty_rounds_in_row = 0;
}

void LlmPlanner::note_proposed(const TuneConfig& config) { m_tried.insert(config.canonical()); }

void LlmPlanner::observe(const TrialOutcome& outcome) {
  m_outcomes.push_back(outcome);
  m_tried.insert(outcome.config.canonical());
}

void LlmPlanner::give_up(const std::string& why) {
  if (!m_available) {
    return;
  }
  m_available = false;
  m_queue.clear();
  m_status = llm_unavailable_status(why);
  if (m_settings.on_status) {
    m_settings.on_status(m_status);
  } else {
    log::warn("{}", m_status);
  }
}

std::vector<Proposal> LlmPlanner::propose(size_t count) {
  std::vector<Proposal> out;
  if (!m_available || count == 0) {
    return out;
  }
  auto take = [&] {
    while (!m_queue.empty() && out.size() < count) {
      Proposal p = std::move(m_queue.front());
      m_queue.erase(m_queue.begin());
      // Another source (the hybrid's built-in planner) may have proposed it since.
      if (m_tried.insert(p.config.canonical()).second) {
        out.push_back(std::move(p));
      }
    }
  };
  take();
  if (out.size() < count) {
    run_round();
    take();
  }
  return out;
}

std::optional<std::string> LlmPlanner::cache_lookup(const std::string& hash, int64_t* prompt_tokens,
                                                    int64_t* completion_tokens) {
  if (!m_store) {
    return std::nullopt;
  }
  auto cached = m_store->llm_reply(hash, m_settings.model);
  if (!cached) {
    log::debug("llm cache lookup failed: {}", cached.error().message);
    return std::nullopt;
  }
  if (!*cached) {
    return std::nullopt;
  }
  *prompt_tokens = (*cached)->prompt_tokens;
  *completion_tokens = (*cached)->completion_tokens;
  return std::move((*cached)->response_text);
}

void LlmPlanner::cache_store(const std::string& hash, const std::vector<ChatMessage>& messages,
                             const ChatReply& reply) {
  if (!m_store) {
    return;
  }
  LlmCacheRow row;
  row.prompt_hash = hash;
  row.model = m_settings.model;
  // The request body holds model, messages and sampling settings; credentials
  // travel only in a header and never reach it.
  row.request_json = m_transport ? m_transport->request_body(messages).dump() : std::string("{}");
  row.response_text = reply.content;
  row.prompt_tokens = reply.prompt_tokens;
  row.completion_tokens = reply.completion_tokens;
  if (Status s = m_store->put_llm_reply(row); !s) {
    log::debug("llm cache store failed: {}", s.message());
  }
}

void LlmPlanner::run_round() {
  PromptInput input;
  input.context = &m_ctx;
  input.outcomes = m_outcomes;
  input.rejected = m_last_rejected;
  input.rejected_counts = m_stats.rejected;
  input.k = m_settings.k;
  m_last_messages = build_messages(m_templates, input);
  ++m_stats.rounds;
  std::string hash = messages_hash(m_settings.model, m_last_messages);

  std::string text;
  bool from_network = false;
  ChatReply reply;
  int64_t cached_prompt = 0, cached_completion = 0;
  if (auto cached = cache_lookup(hash, &cached_prompt, &cached_completion)) {
    ++m_stats.cache_hits;
    if (m_settings.session_usage) {
      ++m_settings.session_usage->cache_hits;
    }
    text = std::move(*cached);
  } else if (m_settings.replay) {
    give_up("replay: no cached reply for this prompt");
    return;
  } else {
    if (m_settings.request_budget > 0 && m_stats.requests >= m_settings.request_budget) {
      give_up(fmt::format("request budget exhausted: {} requests", m_stats.requests));
      return;
    }
    size_t prompt_chars = 0;
    for (const auto& m : m_last_messages) {
      prompt_chars += m.content.size();
    }
    if (m_settings.token_budget > 0 &&
        m_stats.tokens() + estimate_tokens(prompt_chars) > m_settings.token_budget) {
      give_up(fmt::format("token budget exhausted: {} of {} tokens used", m_stats.tokens(), m_settings.token_budget));
      return;
    }
    if (!m_transport) {
      give_up("no endpoint configured");
      return;
    }
    ++m_stats.requests;
    auto asked = std::chrono::steady_clock::now();
    auto r = m_transport->complete(m_last_messages);
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
    m_stats.wait_sec += waited;
    if (m_settings.session_usage) {
      ++m_settings.session_usage->requests;
      m_settings.session_usage->wait_sec += waited;
    }
    if (!r) {
      ++m_stats.failures;
      give_up(r.error().message);
      return;
    }
    reply = std::move(*r);
    if (!reply.usage_reported) {
      // Servers that do not report usage are still charged, by a rough estimate.
      reply.prompt_tokens = estimate_tokens(prompt_chars);
      reply.completion_tokens = estimate_tokens(reply.content.size());
    }
    m_stats.prompt_tokens += reply.prompt_tokens;
    m_stats.completion_tokens += reply.completion_tokens;
    if (m_settings.session_usage) {
      m_settings.session_usage->prompt_tokens += reply.prompt_tokens;
      m_settings.session_usage->completion_tokens += reply.completion_tokens;
    }
    remember_reply_format();
    text = reply.content;
    from_network = true;
  }

  ReplyRules rules;
  rules.family = m_ctx.family;
  rules.policy.allow_unsafe_math = false;
  rules.space = &m_ctx.space;
  std::set<std::string> exclude = m_tried;
  for (const auto& q : m_queue) {
    exclude.insert(q.config.canonical());
  }
  rules.tried = &exclude;
  rules.max_accepted = m_settings.k;
  auto parsed = parse_reply(text, rules);
  if (!parsed) {
    ++m_stats.failures;
    ++m_stats.rejected[kRejectMalformed];
    m_last_rejected = {{"(the whole reply)", parsed.error().message}};
    if (++m_bad_replies_in_row >= kMaxBadRepliesInRow) {
      give_up(parsed.error().message);
    }
    return;
  }
  m_bad_replies_in_row = 0;
  if (from_network) {
    // Only replies that parse are cached, so a transient garbled reply is not
    // pinned for every later run of the same prompt.
    cache_store(hash, m_last_messages, reply);
  }
  m_last_rejected = parsed->rejected;
  for (const auto& [reason, n] : parsed->rejected_counts) {
    m_stats.rejected[reason] += n;
  }
  m_stats.accepted += static_cast<int>(parsed->accepted.size());
  if (parsed->accepted.empty()) {
    if (++m_empty_rounds_in_row >= kMaxEmptyRoundsInRow) {
      give_up(fmt::format("no usable proposals in {} rounds in a row", kMaxEmptyRoundsInRow));
    }
    return;
  }
  m_empty_rounds_in_row = 0;
  for (auto& p : parsed->accepted) {
    m_queue.push_back(std::move(p));
  }
}

// --- HybridPlanner ----------------------------------------------------------

HybridPlanner::HybridPlanner(std::string name, std::unique_ptr<Planner> builtin, std::unique_ptr<LlmPlanner> llm,
                             double llm_share)
    : m_name(std::move(name)), m_builtin(std::move(builtin)), m_llm(std::move(llm)),
      m_share(std::clamp(llm_share, 0.0, 1.0)) {}

void HybridPlanner::start(const PlanningContext& ctx, const std::vector<TrialOutcome>& history) {
  m_seen.clear();
  m_given = 0;
  m_llm_given = 0;
  m_seen.insert(ctx.baseline.canonical());
  for (const auto& o : history) {
    m_seen.insert(o.config.canonical());
  }
  m_builtin->start(ctx, history);
  m_llm->start(ctx, history);
}

std::vector<Proposal> HybridPlanner::propose(size_t count) {
  std::vector<Proposal> out;
  if (count == 0) {
    return out;
  }
  // The LLM's share is kept over the whole session (so one-at-a-time callers
  // alternate) and within each call (so the built-in search always gets room).
  size_t llm_slots = count;
  if (m_share < 1.0) {
    auto session_quota = static_cast<size_t>(std::ceil(m_share * static_cast<double>(m_given + count)));
    size_t deficit = session_quota > m_llm_given ? session_quota - m_llm_given : 0;
    size_t call_cap = std::max<size_t>(1, static_cast<size_t>(std::ceil(m_share * static_cast<double>(count))));
    llm_slots = std::min({count, deficit, call_cap});
  }
  if (llm_slots > 0 && m_llm->available()) {
    for (auto& p : m_llm->propose(llm_slots)) {
      if (m_seen.insert(p.config.canonical()).second) {
        out.push_back(std::move(p));
        ++m_llm_given;
      }
    }
  }
  // The built-in planner does not know what the LLM proposed, so it may repeat
  // one; ask again a few times rather than hand out fewer than asked.
  for (int attempt = 0; attempt < 3 && out.size() < count; ++attempt) {
    auto more = m_builtin->propose(count - out.size());
    if (more.empty()) {
      break;
    }
    for (auto& p : more) {
      if (out.size() < count && m_seen.insert(p.config.canonical()).second) {
        m_llm->note_proposed(p.config);
        out.push_back(std::move(p));
      }
    }
  }
  m_given += out.size();
  return out;
}

void HybridPlanner::observe(const TrialOutcome& outcome) {
  m_seen.insert(outcome.config.canonical());
  m_builtin->observe(outcome);
  m_llm->observe(outcome);
}

// --- factory ----------------------------------------------------------------

std::unique_ptr<Planner> make_planner(const std::string& kind_arg, const LlmSettings& settings, Store* store,
                                      std::unique_ptr<ChatTransport> transport, std::string* status) {
  std::string kind = kind_arg.empty() ? default_planner_kind(settings) : kind_arg;
  auto say = [&](const std::string& text) {
    if (status) {
      *status = text;
    }
  };
  if (kind == "builtin") {
    say("planner: built-in search");
    return make_builtin_planner();
  }
  if (kind == "random") {
    say("planner: random search");
    return make_random_planner();
  }
  if (kind != "llm" && kind != "hybrid") {
    say("unknown planner '" + sanitize_text(kind, 40) + "' (expected builtin, random, llm or hybrid)");
    return nullptr;
  }
  if (!transport) {
    say(llm_unavailable_status("no llm_url configured"));
    return make_builtin_planner();
  }
  auto llm = std::make_unique<LlmPlanner>(settings, store, std::move(transport));
  if (!llm->available()) {
    say(llm->status());
    return make_builtin_planner();
  }
  std::string where = settings.replay ? std::string("replaying cached replies") : "at " + settings.url;
  std::string budget = settings.token_budget > 0 ? fmt::format("budget {} tokens", settings.token_budget)
                                                 : std::string("no token budget");
  say(fmt::format("planner: {} (model {} {}, {} candidates per round, {})", kind,
                  settings.model.empty() ? "(server default)" : settings.model, where, settings.k, budget));
  double share = kind == "llm" ? 1.0 : settings.hybrid_share;
  return std::make_unique<HybridPlanner>(kind, make_builtin_planner(), std::move(llm), share);
}

std::unique_ptr<Planner> make_planner(const std::string& kind, const LlmSettings& settings, Store* store,
                                      std::string* status) {
  std::unique_ptr<ChatTransport> transport;
  if (!settings.url.empty() || settings.replay) {
    // Replay needs no endpoint, but the client still shapes the cached request rows.
    transport = std::make_unique<ChatClient>(settings.chat());
  }
  return make_planner(kind, settings, store, std::move(transport), status);
}

std::string planner_status(const Planner& planner) {
  if (const auto* h = dynamic_cast<const HybridPlanner*>(&planner)) {
    return h->llm().status();
  }
  if (const auto* l = dynamic_cast<const LlmPlanner*>(&planner)) {
    return l->status();
  }
  return "";
}

const LlmStats* planner_llm_stats(const Planner& planner) {
  if (const auto* h = dynamic_cast<const HybridPlanner*>(&planner)) {
    return &h->llm().stats();
  }
  if (const auto* l = dynamic_cast<const LlmPlanner*>(&planner)) {
    return &l->stats();
  }
  return nullptr;
}

std::string HybridPlanner::report() const {
  const LlmStats& st = m_llm->stats();
  std::string line = fmt::format("LLM: {} request(s), {} cached, {} tokens, {} proposal(s) accepted, {} rejected",
                                 st.requests, st.cache_hits, st.tokens(), st.accepted, [&] {
                                   int n = 0;
                                   for (const auto& [why, count] : st.rejected) {
                                     n += count;
                                   }
                                   return n;
                                 }());
  if (!m_llm->status().empty()) {
    line += "; " + m_llm->status();
  }
  return line;
}

} // namespace llmcc
