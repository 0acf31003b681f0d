#include "cache/local/gc.h"

#include "util/fs.h"

#include <map>

namespace llmcc {

bool compiler_still_installed(const CompilerIdentity& c) {
  fs::FileStamp st = fs::stamp(c.path);
  return st.ok() && st.mtime_ns == c.mtime_ns && st.size == c.size;
}

namespace {

Status drop_for_age(Store& store, const GcOptions& o, int64_t now, GcReport& r) {
  if (!o.max_age_sec) {
    return {};
  }
  auto p = store.prune_before(now - *o.max_age_sec);
  if (!p) {
    return Error{p.error()};
  }
  r.by_age = *p;
  return {};
}

Status drop_uninstalled(Store& store, const GcOptions& o, GcReport& r) {
  auto compilers = store.compilers();
  if (!compilers) {
    return Error{compilers.error()};
  }
  // An identity seen at several paths is installed while any of them still holds it;
  // one never seen here (an imported winner's) is not judged.
  std::map<std::string, bool> installed;
  const auto& check = o.installed ? o.installed : compiler_still_installed;
  for (const auto& c : *compilers) {
    installed[c.id] = installed[c.id] || check(c);
  }
  auto gone = [&](const std::string& compiler_id) {
    auto it = installed.find(compiler_id);
    return it != installed.end() && !it->second;
  };
  auto winners = store.winners();
  if (!winners) {
    return Error{winners.error()};
  }
  for (const auto& w : *winners) {
    if (!gone(w.compiler_id)) {
      continue;
    }
    if (w.origin == "remote") {
      r.kept_pulled.push_back(w);
      continue;
    }
    if (Status s = store.delete_winner(w.id); !s) {
      return s;
    }
    r.dropped_winners.push_back(w);
  }
  auto records = store.rejections();
  if (!records) {
    return Error{records.error()};
  }
  for (const auto& rec : *records) {
    if (!gone(rec.compiler_id)) {
      continue;
    }
    if (Status s = store.delete_rejection(rec); !s) {
      return s;
    }
    r.dropped_rejections.push_back(rec);
  }
  return {};
}

Status drop_for_size(Store& store, const GcOptions& o, GcReport& r) {
  if (!o.max_bytes) {
    return {};
  }
  for (;;) {
    auto used = store.used_bytes();
    auto counts = store.history_counts();
    if (!used || !counts) {
      return Error{!used ? used.error() : counts.error()};
    }
    if (used->total() <= *o.max_bytes) {
      return {};
    }
    // Oldest first: a session at a time, then the LLM replies.
    Expected<PruneCounts> p = counts->sessions > 0    ? store.keep_newest_sessions(counts->sessions - 1)
                              : counts->llm_replies > 0 ? store.drop_oldest_llm_reply()
                                                        : Expected<PruneCounts>(PruneCounts{});
    if (!p) {
      return Error{p.error()};
    }
    if (counts->sessions == 0 && counts->llm_replies == 0) {
      r.over_limit = true;
      return {};
    }
    r.by_size += *p;
  }
}

} // namespace

Expected<GcReport> collect_garbage(Store& store, const GcOptions& options) {
  const int64_t now = options.now ? options.now : now_unix();
  GcReport r;
  auto before = store.used_bytes();
  if (!before) {
    return Error{before.error()};
  }
  r.before = *before;
  Status s = store.transaction(
      [&]() -> Status {
        if (Status st = drop_for_age(store, options, now, r); !st) {
          return st;
        }
        if (Status st = drop_uninstalled(store, options, r); !st) {
          return st;
        }
        if (Status st = drop_for_size(store, options, r); !st) {
          return st;
        }
        auto after = store.used_bytes();
        if (!after) {
          return Error{after.error()};
        }
        r.after = *after;
        return {};
      },
      !options.dry_run);
  if (!s) {
    return Error{s.message()};
  }
  const bool dropped = r.by_age.sessions + r.by_age.trials + r.by_age.llm_replies + r.by_size.sessions +
                           r.by_size.trials + r.by_size.llm_replies + static_cast<int64_t>(r.dropped_winners.size()) +
                           static_cast<int64_t>(r.dropped_rejections.size()) >
                       0;
  if (!options.dry_run && dropped) {
    if (Status v = store.vacuum(); !v) {
      return Error{v.message()};
    }
  }
  return r;
}

} // namespace llmcc
