// Test support for the llm/ tests: runs tests/fake_llm/fake_llm_server.py as a
// child process (run_process waits for its child, so this uses posix_spawn) and
// reads back what it received.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hwdetect/host.h"
#include "tests/support/planning_fixture.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

extern char** environ;

namespace llmcc::testing {

inline std::string python3_path() {
  for (const char* p : {"/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"}) {
    if (::access(p, X_OK) == 0) {
      return p;
    }
  }
  return "";
}

class FakeLlmServer {
public:
  FakeLlmServer() = default;
  ~FakeLlmServer() { stop(); }
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  // Starts the server with `script` (a JSON array of reply entries). Returns an
  // error text, or "" on success.
  // `kind` is the server's --kind (tests/fake_llm/fake_llm_server.py); "" for the default.
  std::string start(const nlohmann::json& script, const std::string& kind = "") {
    m_kind = kind;
    std::string python = python3_path();
    if (python.empty()) {
      return "python3 not found";
    }
    m_script = m_dir.path() + "/script.json";
    m_log = m_dir.path() + "/requests.jsonl";
    std::ofstream(m_script) << script.dump();
    std::string server = std::string(LLMCC_SOURCE_DIR) + "/tests/fake_llm/fake_llm_server.py";
    int fds[2];
    if (::pipe(fds) != 0) {
      return "pipe failed";
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<std::string> args = {python, server, "--script", m_script, "--log", m_log, "--lifetime", "300"};
    if (!kind.empty()) {
      args.insert(args.end(), {"--kind", kind});
    }
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    int rc = posix_spawn(&m_pid, python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      m_pid = -1;
      return "posix_spawn failed";
    }
    // The first line of stdout is the port; python may take a while on a busy machine.
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 500) > 0) {
        char buf[64];
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {
          break;
        }
        line.append(buf, static_cast<size_t>(n));
      }
    }
    ::close(fds[0]);
    m_port = std::atoi(line.c_str());
    if (m_port <= 0) {
      stop();
      return "fake server did not report a port";
    }
    return "";
  }

  void stop() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
  }

  // Ollama's native API lives under /api, the OpenAI-compatible one under /v1.
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + (m_kind == "ollama" ? "/api" : "/v1");
  }

  // Every request received so far: {"method","path","headers","body"}.
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(m_log);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) {
        out.push_back(nlohmann::json::parse(line));
      }
    }
    return out;
  }

  // The user message of the n-th request.
  std::string prompt(size_t n) const {
    auto reqs = requests();
    if (n >= reqs.size()) {
      return "";
    }
    auto body = nlohmann::json::parse(reqs[n]["body"].get<std::string>());
    for (const auto& m : body["messages"]) {
      if (m["role"] == "user") {
        return m["content"].get<std::string>();
      }
    }
    return "";
  }

  std::string raw_log() const {
    std::ifstream in(m_log);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

private:
  TempDir m_dir;
  std::string m_script, m_log, m_kind;
  pid_t m_pid = -1;
  int m_port = 0;
};

// A loopback port nothing listens on (bound, then closed).
inline int closed_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(s);
  return port;
}

// A gcc planning context for a small C kernel on this host; tests add the
// features and source excerpt they look for in prompts.
inline PlanningContext gcc_planning_context() {
  PlanningContext ctx = kernel_planning_context(CompilerFamily::Gcc);
  ctx.hardware = hw::detect_host().to_json();
  return ctx;
}

// A chat-completions script entry whose content is `candidates` as the model would write it.
// (A braced list of one candidate is that object, not an array of it: wrap it.)
inline nlohmann::json reply_with(const nlohmann::json& candidates) {
  nlohmann::json list = candidates.is_array() ? candidates : nlohmann::json::array({candidates});
  return {{"content", nlohmann::json{{"candidates", list}}.dump()}};
}

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
public:
  ScopedEnv(std::string name, const std::string& value) : m_name(std::move(name)) {
    if (const char* old = std::getenv(m_name.c_str())) {
      m_old = old;
      m_had = true;
    }
    ::setenv(m_name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (m_had) {
      ::setenv(m_name.c_str(), m_old.c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }

private:
  std::string m_name, m_old;
  bool m_had = false;
};

} // namespace llmcc::testing

#define LLMCC_START_FAKE_SERVER(server, script)                                                                 \
  do {                                                                                                          \
    if (llmcc::testing::python3_path().empty()) {                                                               \
      GTEST_SKIP() << "python3 not available";                                                                  \
    }                                                                                                           \
    std::string start_error = (server).start(script);                                                           \
    ASSERT_EQ(start_error, "");                                                                                 \
  } while (0)

// The same for a server of a given --kind.
#define LLMCC_START_FAKE_SERVER_OF_KIND(server, script, kind)                                                   \
  do {                                                                                                          \
    if (llmcc::testing::python3_path().empty()) {                                                               \
      GTEST_SKIP() << "python3 not available";                                                                  \
    }                                                                                                           \
    std::string start_error = (server).start(script, kind);                                                     \
    ASSERT_EQ(start_error, "");                                                                                 \
  } while (0)
