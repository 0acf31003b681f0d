// Answers the tools keep so as not to ask again: probed options, LLM replies.
#include "cache/local/store.h"

#include <algorithm>

namespace llmcc {

Expected<std::optional<std::vector<std::string>>> Store::probed_options(const std::string& key) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  auto value = m_db->first_row<std::string>([](const Statement& r) { return r.text(0); },
                                            "SELECT value FROM meta WHERE key=?", key);
  if (!value) {
    return Error{value.error()};
  }
  using Names = std::optional<std::vector<std::string>>;
  if (!*value) {
    return Names();
  }
  auto j = nlohmann::json::parse(**value, nullptr, false);
  if (!j.is_array() ||
      !std::all_of(j.begin(), j.end(), [](const auto& e) { return e.is_string(); })) {
    return Names(); // probe again rather than trust a value this llmcc did not write
  }
  return Names(j.get<std::vector<std::string>>());
}

Status Store::put_probed_options(const std::string& key, const std::vector<std::string>& accepted) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", key,
                   nlohmann::json(accepted).dump());
}

Expected<std::optional<std::string>> Store::llm_endpoint_format(const std::string& endpoint) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  const std::string key = "llm_reply_format:" + endpoint;
  auto st = m_db->query("SELECT value FROM meta WHERE key=?", key);
  if (!st) {
    return Error{st.error()};
  }
  auto value = st->first_row<std::string>([](const Statement& r) { return r.text(0); });
  if (!value) {
    return Error{value.error()};
  }
  return *value;
}

Status Store::put_llm_endpoint_format(const std::string& endpoint, const std::string& format) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  const std::string key = "llm_reply_format:" + endpoint;
  return m_db->run("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", key, format);
}

static const char* kLlmCacheColumns =
    "prompt_hash, model, request_json, response_text, prompt_tokens,"
    " completion_tokens, created FROM llm_cache";

// Reads a row of kLlmCacheColumns.
static LlmCacheRow llm_cache_from_row(const Statement& st) {
  LlmCacheRow r;
  r.prompt_hash = st.text(0);
  r.model = st.text(1);
  r.request_json = st.text(2);
  r.response_text = st.text(3);
  r.prompt_tokens = st.is_null(4) ? 0 : st.integer(4);
  r.completion_tokens = st.is_null(5) ? 0 : st.integer(5);
  r.created = st.integer(6);
  return r;
}

Expected<std::optional<LlmCacheRow>> Store::llm_reply(const std::string& prompt_hash,
                                                      const std::string& model) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->first_row<LlmCacheRow>(llm_cache_from_row,
                                      std::string("SELECT ") + kLlmCacheColumns + " WHERE prompt_hash=? AND model=?",
                                      prompt_hash, model);
}

Status Store::put_llm_reply(const LlmCacheRow& row) {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->run(
      "INSERT OR REPLACE INTO llm_cache(prompt_hash, model, request_json, response_text,"
      " prompt_tokens, completion_tokens, created) VALUES(?,?,?,?,?,?,?)",
      row.prompt_hash, row.model, row.request_json, row.response_text, row.prompt_tokens,
      row.completion_tokens, row.created ? row.created : now_unix());
}

Expected<std::vector<LlmCacheRow>> Store::llm_replies() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return m_db->all_rows<LlmCacheRow>(llm_cache_from_row,
                                     std::string("SELECT ") + kLlmCacheColumns + " ORDER BY created, prompt_hash");
}

} // namespace llmcc
