#include "cache/remote/sync.h"

#include "cache/remote/host_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace llmcc {

namespace {

std::string entry_key(const WinnerRecord& w) {
  return w.tu_key + "\n" + w.compiler_id + "\n" + w.host_fp + "\n" + w.objective;
}

// Only the compilers some entry still refers to.
void add_compilers(Bundle& out, const Bundle& from, const std::set<std::string>& used) {
  for (const auto& c : from.compilers) {
    bool have = false;
    for (const auto& o : out.compilers) {
      have = have || o.id == c.id;
    }
    if (!have && used.count(c.id)) {
      out.compilers.push_back(c);
    }
  }
}

} // namespace

Bundle merge_bundles(const Bundle& theirs, const Bundle& ours) {
  std::map<std::string, std::pair<WinnerRecord, nlohmann::json>> by_key;
  std::vector<std::string> order;
  for (const Bundle* b : {&theirs, &ours}) {
    for (const auto& e : b->winners) {
      auto w = WinnerRecord::from_json(e);
      if (!w) {
        continue;
      }
      w->trials = e.contains("evidence") && e["evidence"].is_object() ? e["evidence"].value("trials", int64_t{0}) : 0;
      std::string k = entry_key(*w);
      auto it = by_key.find(k);
      if (it == by_key.end()) {
        order.push_back(k);
        by_key.emplace(k, std::make_pair(*w, e));
      } else if (better_evidenced(*w, it->second.first)) {
        it->second = {*w, e};
      }
    }
  }
  Bundle out;
  out.provenance = ours.provenance;
  std::set<std::string> used;
  for (const auto& k : order) {
    out.winners.push_back(by_key[k].second);
    used.insert(by_key[k].first.compiler_id);
  }
  add_compilers(out, ours, used);
  add_compilers(out, theirs, used);
  return out;
}

namespace {

// What a drop record and a winner are matched by (Store::rejection_matching).
std::string drop_key(const std::string& tu_key, const std::string& compiler_id, const std::string& hw_class,
                     const std::string& objective, const std::string& canonical) {
  return tu_key + "\n" + compiler_id + "\n" + hw_class + "\n" + objective + "\n" + canonical;
}

// Leaves out of `b` every winner `dropped` (drop_key) names, and the compilers
// only they used; returns how many winners went.
int withdraw_dropped(Bundle& b, const std::set<std::string>& dropped) {
  if (dropped.empty()) {
    return 0;
  }
  std::set<std::string> used;
  const size_t withdrawn = std::erase_if(b.winners, [&](const nlohmann::json& e) {
    auto w = WinnerRecord::from_json(e);
    if (w && dropped.count(drop_key(w->tu_key, w->compiler_id, w->hw_class, w->objective, w->config.canonical()))) {
      return true;
    }
    if (w) {
      used.insert(w->compiler_id);
    }
    return false;
  });
  if (withdrawn > 0) {
    std::erase_if(b.compilers, [&](const CompilerIdentity& c) { return !used.count(c.id); });
  }
  return static_cast<int>(withdrawn);
}

} // namespace

std::vector<StoreOutcome> push_to_store(RemoteStore& store, const Bundle& local,
                                        const std::vector<LocalRejection>& dropped, const std::string& store_id,
                                        const std::optional<std::string>& team_key) {
  std::map<std::string, Bundle> by_class;
  auto class_bundle = [&](const std::string& hw_class) -> Bundle& {
    auto [it, fresh] = by_class.try_emplace(hw_class);
    if (fresh) {
      it->second.provenance = local.provenance;
      it->second.compilers = local.compilers;
    }
    return it->second;
  };
  for (const auto& e : local.winners) {
    class_bundle(e.value("hw_class", "")).winners.push_back(e);
  }
  // A class this database holds no winner of any more may still have an entry
  // serving what it dropped.
  std::map<std::string, std::set<std::string>> dropped_by_class;
  for (const auto& r : dropped) {
    dropped_by_class[r.hw_class].insert(
        drop_key(r.tu_key, r.compiler_id, r.hw_class, r.objective, r.config.canonical()));
    (void)class_bundle(r.hw_class);
  }
  std::vector<StoreOutcome> out;
  for (const auto& [hw_class, ours] : by_class) {
    StoreOutcome o;
    o.store = store.spec().redacted();
    const bool drops_only = ours.winners.empty();
    // Only this state directory's own entry is read and rewritten: another
    // host's push at the same moment, or another state directory's of this
    // host, writes another key, so none can drop the other's winners.
    const std::string key = host_key(hw_class, local.provenance.host_fp, store_id);
    if (store.spec().read_only) {
      o.message = "read-only: not pushed";
      out.push_back(o);
      continue;
    }
    RemoteReply got = store.get(key);
    if (!got.ok()) {
      o.failure = got.failure;
      o.message = got.message;
      out.push_back(o);
      break; // the store is down: do not try it again for the other classes
    }
    Bundle merged = ours;
    bool readable = false;
    if (got.body) {
      // Our previous entry: winners this database no longer holds (a fresh
      // LLMCC_DIR on the same host) stay served, except those it dropped.
      auto theirs = decode_bundle(*got.body, team_key);
      if (theirs) {
        merged = merge_bundles(theirs->bundle, ours);
        readable = true;
      } else {
        o.message = fmt::format("replacing an unreadable entry ({})", theirs.error().message);
      }
    }
    o.withdrawn = withdraw_dropped(merged, dropped_by_class[hw_class]);
    if (drops_only && (!readable || o.withdrawn == 0)) {
      // Nothing to write: no winners of ours, and none we dropped is served from here.
      o.message = "nothing to push: no winners of this class, and no winner dropped here is stored";
      out.push_back(o);
      continue;
    }
    auto bytes = encode_bundle(merged, team_key);
    if (!bytes) {
      o.failure = RemoteFailure::Error;
      o.message = bytes.error().message;
      out.push_back(o);
      continue;
    }
    RemoteReply put = store.put(key, *bytes);
    if (!put.ok()) {
      o.failure = put.failure;
      o.message = put.message;
      o.withdrawn = 0;
      // As sccache does: a store that refuses writes is used read-only from here on.
      o.fell_back_to_read_only = put.failure == RemoteFailure::Denied;
      out.push_back(o);
      break;
    }
    o.winners = static_cast<int>(merged.winners.size());
    // The index is how a store that cannot list finds this entry; a failure to
    // update it leaves the push done (a listing store still finds the entry).
    if (RemoteReply indexed = add_to_host_index(store, hw_class, key); !indexed.ok()) {
      o.message = fmt::format("pushed; the index of entries was not updated: {}", indexed.message);
    }
    out.push_back(o);
  }
  return out;
}

namespace {

// The entries of one class in a store, each decoded and checked on its own (a
// badly signed or garbled entry of one host costs only that host's winners).
struct ClassEntries {
  std::optional<DecodedBundle> merged;
  std::vector<std::string> problems; // unreadable entries, winners of another class
  RemoteReply failure;               // the store itself failed (then merged holds what came before)
};

void take_entry(ClassEntries& c, const std::string& key, const std::string& body, const std::string& hw_class,
                const std::optional<std::string>& team_key) {
  auto decoded = decode_bundle(body, team_key);
  if (!decoded) {
    c.problems.push_back(fmt::format("unreadable entry {}: {}", key, decoded.error().message));
    return;
  }
  // An entry under this class's prefix holding another class's winners was
  // written by a broken or hostile client: those winners are not ours to store.
  int other = 0;
  std::vector<nlohmann::json> kept;
  for (auto& e : decoded->bundle.winners) {
    if (e.is_object() && e.value("hw_class", "") == hw_class) {
      kept.push_back(std::move(e));
    } else {
      ++other;
    }
  }
  decoded->bundle.winners = std::move(kept);
  if (other) {
    c.problems.push_back(fmt::format("{}: dropped {} winner(s) of another hardware class", key, other));
  }
  if (!c.merged) {
    c.merged = std::move(*decoded);
    return;
  }
  Bundle both = merge_bundles(c.merged->bundle, decoded->bundle);
  c.merged->bundle = std::move(both);
  if (decoded->signature != c.merged->signature) {
    c.merged->signature = SignatureState::Unsigned; // the weakest claim holds for the whole
  }
}

ClassEntries read_class(RemoteStore& store, const std::string& hw_class, const std::optional<std::string>& team_key) {
  ClassEntries c;
  // The legacy single key first: a dead store costs one round trip, not two.
  const std::string legacy = winners_key(hw_class);
  RemoteReply got = store.get(legacy);
  if (!got.ok()) {
    c.failure = got;
    return c;
  }
  if (got.body) {
    take_entry(c, legacy, *got.body, hw_class, team_key);
  }
  // The listing and the index of entries (cache/remote/host_index.h), together:
  // a store that cannot list a directory (403, an HTML page, or S3's empty
  // answer for a prefix) is read through the index alone.
  RemoteReply listed = store.list(hosts_prefix(hw_class));
  if (!listed.ok() && listed.failure == RemoteFailure::Timeout) {
    c.failure = listed;
    return c;
  }
  RemoteReply indexed = read_host_index(store, hw_class);
  if (!indexed.ok() && indexed.failure == RemoteFailure::Timeout) {
    c.failure = indexed;
    return c;
  }
  if (!listed.ok() && !indexed.ok()) {
    c.failure = listed;
    return c;
  }
  if (!listed.ok() && indexed.keys.empty()) {
    c.failure = listed; // no index to fall back on: the listing's error says what to configure
    return c;
  }
  if (!indexed.ok()) {
    c.problems.push_back(indexed.message);
  }
  std::vector<std::string> keys = listed.ok() ? listed.keys : std::vector<std::string>{};
  keys.insert(keys.end(), indexed.keys.begin(), indexed.keys.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.size() > kMaxRemoteListKeys) {
    keys.resize(kMaxRemoteListKeys);
  }
  for (const auto& key : keys) {
    got = store.get(key);
    if (!got.ok()) {
      c.failure = got;
      return c;
    }
    if (got.body) {
      take_entry(c, key, *got.body, hw_class, team_key);
    }
  }
  return c;
}

} // namespace

StoreOutcome pull_from_store(RemoteStore& store, Store& db, const std::string& hw_class, const MergeOptions& options,
                             const std::optional<std::string>& team_key) {
  StoreOutcome o;
  o.store = store.spec().redacted();
  ClassEntries c = read_class(store, hw_class, team_key);
  std::string problems;
  for (const auto& p : c.problems) {
    problems += (problems.empty() ? "" : "; ") + p;
  }
  if (!c.failure.ok()) {
    o.failure = c.failure.failure;
    o.message = problems.empty() ? c.failure.message : c.failure.message + "; " + problems;
    return o;
  }
  if (!c.merged) {
    if (!problems.empty()) {
      // Garbage or truncated in the store is a miss that says why, not a failure of the build.
      o.failure = RemoteFailure::Error;
      o.message = problems;
      return o;
    }
    o.message = "no winners for this hardware class";
    return o;
  }
  o.winners = static_cast<int>(c.merged->bundle.winners.size());
  MergeOptions opts = options;
  opts.origin = "remote";
  opts.from = o.store + "/" + class_prefix(hw_class);
  auto merged = merge_bundle(db, *c.merged, opts);
  if (!merged) {
    o.failure = RemoteFailure::Error;
    o.message = merged.error().message;
    return o;
  }
  o.merged = *merged;
  if (!problems.empty()) {
    // Some entries were good and merged; the bad ones are still a store error to count.
    o.failure = RemoteFailure::Error;
    o.message = problems;
  }
  return o;
}

std::map<std::string, int64_t> remote_counters(const std::vector<StoreOutcome>& outcomes, bool pull) {
  std::map<std::string, int64_t> c;
  for (const auto& o : outcomes) {
    if (o.skipped) {
      ++c["remote.skipped"];
      continue;
    }
    switch (o.failure) {
    case RemoteFailure::None:
      if (pull) {
        ++c[o.merged ? "remote.hit" : "remote.miss"];
      } else if (o.winners > 0 || o.withdrawn > 0) {
        ++c["remote.push"];
      }
      break;
    case RemoteFailure::Error:
      ++c["remote.error"];
      break;
    case RemoteFailure::Timeout:
      ++c["remote.timeout"];
      break;
    case RemoteFailure::Denied:
      ++c["remote.denied"];
      break;
    }
  }
  return c;
}

} // namespace llmcc
