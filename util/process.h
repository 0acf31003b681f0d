// Running other programs. Everything llmcc runs is exec'd with an argv vector,
// never through a shell, so no configuration text can be interpreted as shell.
#pragma once

#include "util/expected.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmcc {

struct ProcessOptions {
  std::vector<std::string> argv;
  std::string cwd;                           // empty: inherit
  std::map<std::string, std::string> env_set; // added/overridden variables
  std::vector<std::string> env_unset;
  std::optional<std::string> stdin_data;     // nullopt: /dev/null
  bool capture_stdout = true;                // false: inherit the parent's
  bool capture_stderr = true;
  double timeout_sec = 0;                    // 0: none
  size_t max_capture = 64u << 20;            // bytes kept per stream
};

struct ProcessResult {
  int exit_code = -1;  // valid when !signaled
  int signal = 0;      // terminating signal, 0 if exited
  bool timed_out = false;
  std::string out;
  std::string err;
  double wall_sec = 0;
  double user_sec = 0; // CPU time of the child (and its waited-for children)
  double sys_sec = 0;

  bool success() const { return !timed_out && signal == 0 && exit_code == 0; }
  std::string describe() const; // "exit 1", "killed by signal 11", "timed out"
};

// Fails only when the program could not be started at all.
Expected<ProcessResult> run_process(const ProcessOptions& options);

// Replaces the current process (the wrapper's fast path). Returns only on failure.
Error exec_replace(const std::vector<std::string>& argv);
// Same, running `path` with `argv` (argv[0] may be the name the user typed).
Error exec_replace(const std::string& path, const std::vector<std::string>& argv);

// Kills the process group of any child started by run_process (for Ctrl-C).
void kill_running_children();

} // namespace llmcc
