// What keeps the database small and says what it holds: counts, pruning,
// clearing and vacuuming (llmcc cache stats/gc/clear/vacuum, and tune's cap on
// trial history).
#include "cache/local/schema.h"
#include "cache/local/store.h"

#include <fmt/format.h>

namespace llmcc {

namespace {

Expected<int64_t> scalar(Database& db, const std::string& sql) {
  auto n = db.first_row<int64_t>([](const Statement& r) { return r.integer(0); }, sql);
  if (!n) {
    return Error{n.error()};
  }
  return n->value_or(0);
}

} // namespace

Expected<std::vector<WinnerCount>> Store::winner_counts() {
  return m_db->all_rows<WinnerCount>(
      [](const Statement& r) {
        return WinnerCount{r.text(0), r.text(1), r.text(2), r.integer(3)};
      },
      "SELECT hw_class, compiler_id, origin, COUNT(*) FROM winners GROUP BY hw_class, compiler_id, origin"
      " ORDER BY hw_class, compiler_id, origin");
}

Expected<HistoryCounts> Store::history_counts() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  HistoryCounts h;
  const std::pair<int64_t*, const char*> counts[] = {
      {&h.sessions, "SELECT COUNT(*) FROM sessions"},   {&h.trials, "SELECT COUNT(*) FROM trials"},
      {&h.profiles, "SELECT COUNT(*) FROM profiles"},   {&h.llm_replies, "SELECT COUNT(*) FROM llm_cache"},
      {&h.commands, "SELECT COUNT(*) FROM commands"},
  };
  for (const auto& [out, sql] : counts) {
    auto n = scalar(*m_db, sql);
    if (!n) {
      return Error{n.error()};
    }
    *out = *n;
  }
  return h;
}

// Counts before and after, since SQLite does not count the trials a session's
// deletion cascades to.
static Expected<PruneCounts> counted(Database& db, const std::function<Status()>& drop) {
  auto sessions = scalar(db, "SELECT COUNT(*) FROM sessions");
  auto trials = scalar(db, "SELECT COUNT(*) FROM trials");
  auto replies = scalar(db, "SELECT COUNT(*) FROM llm_cache");
  if (!sessions || !trials || !replies) {
    return Error{!sessions ? sessions.error() : !trials ? trials.error() : replies.error()};
  }
  if (Status s = drop(); !s) {
    return Error{s.message()};
  }
  auto sessions2 = scalar(db, "SELECT COUNT(*) FROM sessions");
  auto trials2 = scalar(db, "SELECT COUNT(*) FROM trials");
  auto replies2 = scalar(db, "SELECT COUNT(*) FROM llm_cache");
  if (!sessions2 || !trials2 || !replies2) {
    return Error{!sessions2 ? sessions2.error() : !trials2 ? trials2.error() : replies2.error()};
  }
  return PruneCounts{*sessions - *sessions2, *trials - *trials2, *replies - *replies2};
}

Expected<PruneCounts> Store::prune_before(int64_t before) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return counted(*m_db, [&]() -> Status {
    if (Status s = m_db->run("DELETE FROM sessions WHERE updated < ?", before); !s) {
      return s;
    }
    if (Status s = m_db->run("DELETE FROM trials WHERE session_id IS NULL AND created < ?", before); !s) {
      return s;
    }
    return m_db->run("DELETE FROM llm_cache WHERE created < ?", before);
  });
}

Expected<PruneCounts> Store::keep_newest_sessions(int64_t keep) {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return counted(*m_db, [&]() {
    return m_db->run("DELETE FROM sessions WHERE id NOT IN (SELECT id FROM sessions ORDER BY id DESC LIMIT ?)",
                     std::max<int64_t>(keep, 0));
  });
}

Expected<PruneCounts> Store::drop_oldest_llm_reply() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  return counted(*m_db, [&]() {
    return m_db->run("DELETE FROM llm_cache WHERE rowid = (SELECT rowid FROM llm_cache ORDER BY created, rowid LIMIT 1)");
  });
}

Expected<UsedBytes> Store::used_bytes() {
  if (Status s = open_tuning(); !s) {
    return Error{s.message()};
  }
  UsedBytes u;
  for (auto [schema, out] : {std::pair<const char*, int64_t*>{"main", &u.main}, {kTuningSchema, &u.tuning}}) {
    auto pages = scalar(*m_db, fmt::format("PRAGMA {}.page_count", schema));
    auto free_pages = scalar(*m_db, fmt::format("PRAGMA {}.freelist_count", schema));
    auto page_size = scalar(*m_db, fmt::format("PRAGMA {}.page_size", schema));
    if (!pages || !free_pages || !page_size) {
      return Error{!pages ? pages.error() : !free_pages ? free_pages.error() : page_size.error()};
    }
    *out = (*pages - *free_pages) * *page_size;
  }
  return u;
}

Status Store::clear_winners() { return m_db->exec("DELETE FROM winners"); }

Status Store::clear_trial_history() {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->exec("DELETE FROM trials; DELETE FROM sessions;");
}

Status Store::clear_tool_caches() {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  return m_db->exec("DELETE FROM llm_cache; DELETE FROM profiles;");
}

Status Store::vacuum() {
  if (Status s = open_tuning(); !s) {
    return s;
  }
  for (const char* schema : {"main", kTuningSchema}) {
    if (Status s = m_db->exec(fmt::format("VACUUM {}", schema)); !s) {
      return Error{fmt::format("vacuum {}: {}", schema, s.message())};
    }
    // In WAL mode the rebuilt pages sit in the WAL until a checkpoint moves them
    // back and truncates it: only then are the files smaller.
    if (Status s = m_db->exec(fmt::format("PRAGMA {}.wal_checkpoint(TRUNCATE)", schema)); !s) {
      return Error{fmt::format("vacuum {}: {}", schema, s.message())};
    }
  }
  return {};
}

} // namespace llmcc
