// llmcc's database: what the wrapper records and looks up on every compile, and
// what the tuner reads and writes. Compile-path operations use one short
// transaction each; when the database stays busy past the timeout, callers spool
// the record instead of waiting (see spool.h).
// One class, implemented by concept in store.cpp and store_<concept>.cpp.
#pragma once

#include "cache/local/database.h"
#include "cache/local_rejection.h"
#include "cache/records.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct SessionRow {
  int64_t id = 0;
  // A state this llmcc does not know (a newer llmcc wrote it) reads as Failed:
  // resumable, and never taken for a finished session.
  SessionState state = SessionState::Running;
  std::string build_dir;
  nlohmann::json args;
  nlohmann::json summary;
  int64_t created = 0, updated = 0;
};

struct TrialRow {
  int64_t id = 0;
  int64_t session_id = 0;
  std::string tu_key, source;
  TuneConfig config;
  std::string planner, op;
  Verdict verdict = Verdict::Ok;
  std::string detail;
  std::string objective;
  std::optional<double> score, speedup, speedup_low, speedup_high;
  nlohmann::json samples;      // the candidate's scores, one per run
  nlohmann::json base_samples; // the baseline's scores in the same interleaved runs
  double compile_sec = 0;
  double run_sec = 0;    // wall time of the benchmark runs, both programs
  double verify_sec = 0; // wall time of --verify
  std::string object_hash;
  int64_t created = 0;
};

// One reply in the LLM planner's request/response cache, for replay and cost
// control.
struct LlmCacheRow {
  std::string prompt_hash; // hash of the model and the messages
  std::string model;
  std::string request_json; // the request body; credentials travel in a header, never here
  std::string response_text;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  int64_t created = 0;
};

// The static code features of one TU key (features/schema.h owns the JSON).
struct FeatureRow {
  std::string tu_key;
  int feature_schema = 0;
  std::string extractor; // "gcc-plugin", "llvm"
  std::string source_rel;
  std::string compiler_id;
  std::string family; // "gcc", "clang"
  std::string json;
  int64_t created = 0;
};

// How many winners one hardware class, compiler and origin hold (cache stats).
struct WinnerCount {
  std::string hw_class, compiler_id, origin;
  int64_t winners = 0;
};

// What the database holds besides winners.
struct HistoryCounts {
  int64_t sessions = 0, trials = 0, profiles = 0, llm_replies = 0, commands = 0;
};

// What a pruning dropped.
struct PruneCounts {
  int64_t sessions = 0, trials = 0, llm_replies = 0;
  PruneCounts& operator+=(const PruneCounts& o) {
    sessions += o.sessions;
    trials += o.trials;
    llm_replies += o.llm_replies;
    return *this;
  }
};

// The bytes the pages in use take in each file (without free pages: what a
// vacuum would leave).
struct UsedBytes {
  int64_t main = 0, tuning = 0;
  int64_t total() const { return main + tuning; }
};

class Store {
public:
  static constexpr int kCompileBusyTimeoutMs = 1000;
  static constexpr int kToolBusyTimeoutMs = 10000;

  // Opens and migrates (ReadWrite) the database at `path`, creating its directory.
  static Expected<std::unique_ptr<Store>> open(const std::string& path,
                                               Database::Mode mode = Database::Mode::ReadWrite,
                                               int busy_timeout_ms = kToolBusyTimeoutMs);
  // The same over a connection the caller opened and configured (a test that
  // sets per-connection limits, say).
  static Expected<std::unique_ptr<Store>> adopt(std::unique_ptr<Database> db,
                                                Database::Mode mode = Database::Mode::ReadWrite);

  // --- compile path -------------------------------------------------------
  // Records a command (if any) and bumps counters in one short transaction.
  Status record(const std::optional<CapturedCommand>& command,
                const std::map<std::string, int64_t>& counters);
  Expected<std::optional<CompilerIdentity>> find_compiler(const std::string& path,
                                                          long long mtime_ns, long long size);
  Status put_compiler(const CompilerIdentity& c);
  // Cheapest pre-check: is there a winner for a source of this name with this
  // compiler on any hardware? (Needs no hardware detection.)
  Expected<bool> has_winner_for_source(const std::string& compiler_id,
                                       const std::string& source_base);
  // Cheap pre-check: could any winner apply to a source of this name here?
  Expected<bool> has_candidate_winner(const std::string& compiler_id, const std::string& host_fp,
                                      const std::string& hw_class, const std::string& source_base);
  Expected<std::optional<WinnerRecord>> find_winner_exact(const std::string& tu_key,
                                                          const std::string& compiler_id,
                                                          const std::string& host_fp);
  Expected<std::optional<WinnerRecord>> find_winner_nearest(const std::string& source_rel,
                                                            const std::string& compiler_id,
                                                            const std::string& hw_class);
  // The same two lookups as a compile makes them: the newest winner's config
  // only, which is all a compile applies (`llmcc show` reads the whole record).
  Expected<std::optional<TuneConfig>> winner_config_exact(const std::string& tu_key, const std::string& compiler_id,
                                                          const std::string& host_fp);
  Expected<std::optional<TuneConfig>> winner_config_nearest(const std::string& source_rel,
                                                            const std::string& compiler_id,
                                                            const std::string& hw_class);

  // --- tool side -------------------------------------------------------------
  Expected<std::map<std::string, int64_t>> stats();
  Status reset_stats();
  Status put_host(const std::string& fingerprint, const std::string& hw_class,
                  const nlohmann::json& info);
  // What put_host stored for this fingerprint: {"hw_class", "info"} (for the report).
  Expected<std::optional<nlohmann::json>> host(const std::string& fingerprint);
  // A compiler by its identity hash (the report, bundles); the newest row when
  // the same binary was seen at several paths.
  Expected<std::optional<CompilerIdentity>> compiler(const std::string& id);
  Expected<std::optional<std::string>> find_native(const std::string& compiler_id,
                                                   const std::string& host_fp);
  Status put_native(const std::string& compiler_id, const std::string& host_fp,
                    const std::string& json);
  Status put_tu(const std::string& tu_key, const std::string& source_rel,
                const std::string& compiler_id, const std::string& base_flags);
  Expected<int64_t> intern_config(const TuneConfig& config);
  Status put_winner(const WinnerRecord& w);
  Expected<std::vector<WinnerRecord>> winners();
  Status delete_winner(int64_t id);

  // Trained profiles (cache/local/store_profiles.cpp): the compile path reads
  // one by hash when a config uses it.
  Status put_profile(const ProfileRecord& p);
  Expected<std::optional<ProfileRecord>> profile(const std::string& hash);

  Expected<std::vector<CapturedCommand>> commands(const std::string& kind);
  Expected<std::optional<CapturedCommand>> command_for_output(const std::string& kind,
                                                              const std::string& output);
  Expected<std::vector<CapturedCommand>> compiles_of_source(const std::string& source);

  Expected<int64_t> create_session(const std::string& build_dir, const nlohmann::json& args);
  Status update_session(int64_t id, SessionState state, const nlohmann::json& summary);
  Expected<std::optional<SessionRow>> session(int64_t id);
  Expected<std::optional<SessionRow>> latest_session(const std::string& build_dir);
  Expected<int64_t> add_trial(const TrialRow& t);
  // A stored trial whose config or verdict this llmcc cannot read (malformed, or
  // written by a newer llmcc) is left out, not fatal: it is no evidence either way.
  Expected<std::vector<TrialRow>> trials(int64_t session_id);
  // Every trial ever run for this TU on this compiler (for transfer and dedup).
  Expected<std::vector<TrialRow>> trials_for_tu(const std::string& tu_key);

  // --- sharing (bundles, remote stores) ------------------------------------
  // Runs `body` in one write transaction; commits when it succeeds and `commit`
  // is set, else rolls everything back (a dry run sees exactly what a real run
  // would do, then leaves no trace).
  Status transaction(const std::function<Status()>& body, bool commit = true);
  // The winner stored under its unique key, if any.
  Expected<std::optional<WinnerRecord>> find_winner_by_key(const std::string& tu_key,
                                                           const std::string& compiler_id,
                                                           const std::string& host_fp,
                                                           const std::string& objective);
  // How many trials this database holds for a TU (a winner's evidence).
  Expected<int64_t> trial_count(const std::string& tu_key);
  // This state directory's own name in a remote store's per-host keys: random,
  // made once and kept in the database, so two state directories of one host
  // (one hardware fingerprint) push to two keys. A database copied to another
  // path gets a new one there, since the copy is another directory that pushes.
  Expected<std::string> store_id();

  // --- winners --reconfirm dropped here (cache/local/store_rejections.cpp) ----
  // Replaces the record of the same winner (TU, compiler, class, objective, config).
  Status put_rejection(const LocalRejection& r);
  // The record an arriving winner `w` matches, if any.
  Expected<std::optional<LocalRejection>> rejection_matching(const WinnerRecord& w);
  Expected<std::vector<LocalRejection>> rejections();
  Expected<std::vector<LocalRejection>> rejections_for_tu(const std::string& tu_key);
  // Ends the record `w` matches (this host confirmed and stored that config itself).
  Status clear_rejection(const WinnerRecord& w);
  Status delete_rejection(const LocalRejection& r);
  Status clear_rejections_for_tu(const std::string& tu_key);
  Status clear_rejections();

  // --- tools' caches ---------------------------------------------------------
  // The options a compiler binary accepted when probed (tuner/flag_probe), by
  // probe key. A stored value that is not a list of names reads as not probed.
  Expected<std::optional<std::vector<std::string>>> probed_options(const std::string& key);
  Status put_probed_options(const std::string& key, const std::vector<std::string>& accepted);
  // The reply format an LLM endpoint (base URL) last accepted, as llm/chat_client.h
  // names it; none when not yet known.
  Expected<std::optional<std::string>> llm_endpoint_format(const std::string& endpoint);
  Status put_llm_endpoint_format(const std::string& endpoint, const std::string& format);
  // The cached reply to this prompt from this model.
  Expected<std::optional<LlmCacheRow>> llm_reply(const std::string& prompt_hash, const std::string& model);
  // Replaces any cached reply for the row's prompt and model.
  Status put_llm_reply(const LlmCacheRow& row);
  // Every cached reply, oldest first.
  Expected<std::vector<LlmCacheRow>> llm_replies();

  // --- code features (cache/local/store_features.cpp) ------------------------
  Expected<std::optional<FeatureRow>> features(const std::string& tu_key, int feature_schema);
  // Replaces the row of the same key and schema.
  Status put_features(const FeatureRow& row);
  // Every TU's features of this schema, by source.
  Expected<std::vector<FeatureRow>> all_features(int feature_schema);

  // --- hygiene (cache/local/store_hygiene.cpp) -------------------------------
  Expected<std::vector<WinnerCount>> winner_counts();
  Expected<HistoryCounts> history_counts();
  // Every compiler identity seen here, one row per path.
  Expected<std::vector<CompilerIdentity>> compilers();
  // Drops sessions last updated before `before` (unix seconds) with their
  // trials, trials of no session created before it, and LLM replies created
  // before it.
  Expected<PruneCounts> prune_before(int64_t before);
  // Keeps the `keep` newest sessions and drops the older ones with their trials.
  Expected<PruneCounts> keep_newest_sessions(int64_t keep);
  // Drops the oldest LLM reply (none: nothing).
  Expected<PruneCounts> drop_oldest_llm_reply();
  Expected<UsedBytes> used_bytes();
  // cache clear: each empties what it names.
  Status clear_winners();
  Status clear_trial_history(); // sessions and their trials
  Status clear_tool_caches();   // LLM replies and profile records
  // Rebuilds both files without their free pages and truncates their WALs.
  Status vacuum();

  // --- the tuning database ----------------------------------------------------
  // The tuner's tables (sessions, trials, LLM replies, profiles, hosts, native
  // targets) live in a second file, attached on the first call that needs them,
  // so the compile path, which never calls those, never opens or parses it.
  // Attaches it now (a tool reports a broken file up front with this).
  Status open_tuning();
  const std::string& tuning_path() const { return m_tuning_path; }
  const std::string& path() const { return m_db->path(); }

private:
  Store(std::unique_ptr<Database> db, Database::Mode mode);
  std::unique_ptr<Database> m_db;
  Database::Mode m_mode;
  std::string m_tuning_path;
  bool m_tuning_attached = false;
  std::optional<std::string> m_tuning_error; // a failed attach is not retried per call
};

} // namespace llmcc
