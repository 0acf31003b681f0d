#include "cli/tool.h"

#include <fmt/format.h>

#include "cache/local/spool.h"
#include "util/fs.h"
#include "util/log.h"

namespace llmcc::cli {

ToolContext::ToolContext() : m_config(Config::load(fs::current_dir())) {
  for (const auto& w : m_config.warnings()) {
    log::warn("{}", w);
  }
}

static void explain_db_error(const std::string& message) {
  log::error("{}", message);
  log::error("llmcc keeps compiling without it; move the file away to start a new database "
             "(winners can be re-imported from a bundle)");
}

Store* ToolContext::store() {
  if (!m_tried) {
    m_tried = true;
    auto s = Store::open(m_config.db_path(), Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
    if (!s) {
      explain_db_error(s.error().message);
      return nullptr;
    }
    m_store = std::move(*s);
    SpoolIngest in = ingest_spool(*m_store, m_config.cache_dir() + "/spool");
    if (in.malformed) {
      log::warn("{} malformed spool record(s) moved to {}/spool/bad", in.malformed, m_config.cache_dir());
    }
  }
  return m_store.get();
}

Store* ToolContext::store_readonly() {
  if (m_store) {
    return m_store.get();
  }
  if (!fs::exists(m_config.db_path())) {
    return store();
  }
  auto s = Store::open(m_config.db_path(), Database::Mode::ReadWrite, Store::kToolBusyTimeoutMs);
  if (!s) {
    auto ro = Store::open(m_config.db_path(), Database::Mode::ReadOnly, Store::kToolBusyTimeoutMs);
    if (!ro) {
      explain_db_error(s.error().message);
      return nullptr;
    }
    m_store = std::move(*ro);
  } else {
    m_store = std::move(*s);
    (void)ingest_spool(*m_store, m_config.cache_dir() + "/spool");
  }
  m_tried = true;
  return m_store.get();
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) {
        width.push_back(0);
      }
      width[i] = std::max(width[i], r[i].size());
    }
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) {
        line += std::string(width[i] - r[i].size() + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

} // namespace llmcc::cli
