// The compile path's records: captured commands and counters.
#include "cache/local/store.h"

namespace llmcc {

Status Store::record(const std::optional<CapturedCommand>& command,
                     const std::map<std::string, int64_t>& counters) {
  Transaction tx(*m_db);
  if (Status s = tx.begin_immediate(); !s) {
    return s;
  }
  if (command) {
    Status s = m_db->run(
        "INSERT INTO commands(kind, output, cwd, source, argv_json, compiler, language,"
        " inputs_json, project_root, updated) VALUES(?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(kind, output) DO UPDATE SET cwd=excluded.cwd, source=excluded.source,"
        " argv_json=excluded.argv_json, compiler=excluded.compiler, language=excluded.language,"
        " inputs_json=excluded.inputs_json, project_root=excluded.project_root,"
        " updated=excluded.updated",
        command->kind, command->output, command->cwd, command->source,
        nlohmann::json(command->argv).dump(), command->compiler, command->language,
        nlohmann::json(command->inputs).dump(), command->project_root,
        command->updated ? command->updated : now_unix());
    if (!s) {
      return s;
    }
  }
  if (!counters.empty()) {
    auto st = m_db->prepare("INSERT INTO stats(name, count) VALUES(?, ?)"
                            " ON CONFLICT(name) DO UPDATE SET count = count + excluded.count");
    if (!st) {
      return Error{st.error()};
    }
    for (const auto& [name, n] : counters) {
      st->reset();
      if (Status s = st->bind_all(name, n).run(); !s) {
        return s;
      }
    }
  }
  return tx.commit();
}

Expected<std::map<std::string, int64_t>> Store::stats() {
  auto st = m_db->query("SELECT name, count FROM stats ORDER BY name");
  if (!st) {
    return Error{st.error()};
  }
  std::map<std::string, int64_t> out;
  if (Status s = st->each_row([&](const Statement& r) { out[r.text(0)] = r.integer(1); }); !s) {
    return Error{s.message()};
  }
  return out;
}

Status Store::reset_stats() {
  return m_db->exec("DELETE FROM stats");
}

// Reads a row of kCommandColumns.
static Expected<CapturedCommand> command_from_row(const Statement& st) {
  CapturedCommand c;
  c.kind = st.text(0);
  c.output = st.text(1);
  c.cwd = st.text(2);
  c.source = st.text(3);
  try {
    c.argv = nlohmann::json::parse(st.text(4)).get<std::vector<std::string>>();
    std::string inputs = st.text(7);
    if (!inputs.empty()) {
      c.inputs = nlohmann::json::parse(inputs).get<std::vector<std::string>>();
    }
  } catch (const std::exception& e) {
    return Error{std::string("malformed captured command: ") + e.what()};
  }
  c.compiler = st.text(5);
  c.language = st.text(6);
  c.project_root = st.text(8);
  c.updated = st.integer(9);
  return c;
}

static const char* kCommandColumns = "kind, output, cwd, source, argv_json, compiler, language, "
                                     "inputs_json, project_root, updated FROM commands";

template <typename... Args>
static Expected<std::vector<CapturedCommand>> all_commands(Database& db, const std::string& where,
                                                           const Args&... args) {
  return db.all_rows<CapturedCommand>(command_from_row, std::string("SELECT ") + kCommandColumns + where, args...);
}

Expected<std::vector<CapturedCommand>> Store::commands(const std::string& kind) {
  return all_commands(*m_db, " WHERE kind=? ORDER BY output", kind);
}

Expected<std::optional<CapturedCommand>> Store::command_for_output(const std::string& kind,
                                                                   const std::string& output) {
  auto all = all_commands(*m_db, " WHERE kind=? AND output=?", kind, output);
  if (!all) {
    return Error{all.error()};
  }
  if (all->empty()) {
    return std::optional<CapturedCommand>();
  }
  return std::optional<CapturedCommand>(all->front());
}

Expected<std::vector<CapturedCommand>> Store::compiles_of_source(const std::string& source) {
  return all_commands(*m_db, " WHERE kind='compile' AND source=? ORDER BY updated DESC", source);
}

} // namespace llmcc
