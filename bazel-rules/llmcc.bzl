"""Bazel support for llmcc.

Supported Bazel versions: 4.2 (tested: Debian's bazel-bootstrap 4.2.3, offline)
and later 4.x/5.x/6.x with WORKSPACE-based C++ toolchains (the local toolchain is
configured from the CC environment variable). Bzlmod-only setups are untested.

1. Building cc_* targets through llmcc needs no rule: Bazel's local C++ toolchain
   takes its compiler from CC when it is configured. Add to .bazelrc (or a
   .bazelrc.user), with absolute paths:

       build --repo_env=CC=/usr/local/bin/llmcc
       build --action_env=CC=/usr/local/bin/llmcc
       build --action_env=LLMCC_DIR=/var/tmp/llmcc
       build --sandbox_writable_path=/var/tmp/llmcc
       # optional: the real compiler (default: the first cc/gcc/clang in PATH)
       build --repo_env=LLMCC_CC=clang --action_env=LLMCC_CC=clang

   LLMCC_DIR must be set because sandboxed actions have no HOME, and it must be
   writable inside the sandbox. llmcc_bazelrc_lines() returns these lines.

2. llmcc_tune(): a runnable target that tunes a cc_binary benchmark:

       load("@llmcc//bazel-rules:llmcc.bzl", "llmcc_tune")
       llmcc_tune(
           name = "tune_stats",
           binary = "//app:stats_demo",
           bench_args = ["200000"],
           verify_tests = ["//test:stats_test"],
           objective = "time",
           budget = 8,
       )

   `bazel run //:tune_stats` builds the binary, then runs `llmcc tune` in the
   workspace; each trial rebuilds the binary with `bazel build` (Bazel sees the
   tuned TU's object removed and recompiles it) and the run ends with the
   winners built in. `bazel run` releases the Bazel server before the target
   runs, so the nested `bazel build` works; the script reuses the same output
   base. Build with `--spawn_strategy=local` when tuning (see README.md) so the
   recorded object paths are real files rather than sandbox paths.
"""

def llmcc_bazelrc_lines(llmcc, llmcc_dir = "/var/tmp/llmcc", real_cc = None):
    """The .bazelrc lines that route every C/C++ compile and link through llmcc.

    Args:
      llmcc: absolute path of the llmcc program.
      llmcc_dir: llmcc's database directory; must be writable in the sandbox.
      real_cc: the compiler llmcc runs (e.g. "clang"); None: llmcc's default.

    Returns:
      A list of lines (strings) for a .bazelrc.
    """
    lines = [
        "build --repo_env=CC=" + llmcc,
        "build --action_env=CC=" + llmcc,
        "build --action_env=LLMCC_DIR=" + llmcc_dir,
        "build --repo_env=LLMCC_DIR=" + llmcc_dir,
        "build --sandbox_writable_path=" + llmcc_dir,
    ]
    if real_cc:
        lines.append("build --repo_env=LLMCC_CC=" + real_cc)
        lines.append("build --action_env=LLMCC_CC=" + real_cc)
    return lines

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _shell_words(words):
    # Words for a bash array literal in the generated script.
    return " ".join([_shell_quote(w) for w in words])

def _llmcc_tune_impl(ctx):
    binary = ctx.executable.binary
    label = ctx.attr.binary.label
    if label.workspace_name:
        target = "@%s//%s:%s" % (label.workspace_name, label.package, label.name)
    else:
        target = "//%s:%s" % (label.package, label.name)

    # Only what the BUILD file sets: llmcc rejects an option given twice, so
    # anything left unset here can still be passed after `bazel run ... --`.
    tune_args = ["--target", label.name]
    if ctx.attr.objective:
        tune_args += ["--objective", ctx.attr.objective]
    if ctx.attr.budget > 0:
        tune_args += ["--budget", str(ctx.attr.budget)]
    if ctx.attr.time:
        tune_args += ["--time", ctx.attr.time]
    if ctx.attr.planner:
        tune_args += ["--planner", ctx.attr.planner]
    if ctx.attr.seed >= 0:
        tune_args += ["--seed", str(ctx.attr.seed)]
    for tu in ctx.attr.tus:
        tune_args += ["--tu", tu]
    tune_args += ctx.attr.extra_args

    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.expand_template(
        template = ctx.file._template,
        output = script,
        substitutions = {
            "%{llmcc}": _shell_quote(ctx.attr.llmcc),
            "%{target}": _shell_quote(target),
            "%{binary_path}": _shell_quote(binary.path),
            "%{bench_args}": _shell_words(ctx.attr.bench_args),
            "%{bazel_args}": _shell_words(ctx.attr.bazel_args),
            "%{verify_tests}": _shell_words(ctx.attr.verify_tests),
            "%{verify}": _shell_words(ctx.attr.verify),
            "%{tune_args}": _shell_words(tune_args),
        },
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [binary]).merge(ctx.attr.binary[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_llmcc_tune = rule(
    implementation = _llmcc_tune_impl,
    executable = True,
    attrs = {
        "binary": attr.label(mandatory = True, executable = True, cfg = "target"),
        "bench_args": attr.string_list(),
        "verify": attr.string_list(),
        "verify_tests": attr.string_list(),
        "objective": attr.string(default = "", values = ["", "time", "size", "instructions"]),
        "budget": attr.int(default = 0),
        "time": attr.string(),
        "planner": attr.string(),
        "seed": attr.int(default = -1),
        "tus": attr.string_list(),
        "bazel_args": attr.string_list(),
        "extra_args": attr.string_list(),
        "llmcc": attr.string(default = "llmcc"),
        # Label() binds the template to this repository, not the caller's.
        "_template": attr.label(default = Label("//bazel-rules:llmcc_tune.sh.tpl"), allow_single_file = True),
    },
)

def llmcc_tune(
        name,
        binary,
        bench_args = [],
        verify = [],
        verify_tests = [],
        objective = "",
        budget = 0,
        time = "",
        planner = "",
        seed = -1,
        tus = [],
        bazel_args = [],
        extra_args = [],
        llmcc = "llmcc",
        **kwargs):
    """A `bazel run` target that tunes `binary` with llmcc.

    Args:
      name: the target name.
      binary: the cc_binary (or any executable) to benchmark.
      bench_args: arguments for the benchmark run.
      verify: a command (argv) that must succeed for a trial to count, run in the
        workspace.
      verify_tests: test labels; verification runs `bazel test` on them with the
        same output base and bazel_args as the rebuilds (preferred over verify).
      objective: time, size or instructions ("": llmcc's default, time).
      budget: number of trials (0: llmcc's default).
        Options left unset can be given at run time instead:
        `bazel run //:tune -- --objective size --budget 4`.
      time: wall-clock limit, e.g. "20m".
      planner: llmcc planner (builtin, random, llm, hybrid).
      seed: planner seed (-1: llmcc's default).
      tus: restrict tuning to these sources (workspace-relative paths).
      bazel_args: flags for the rebuilds (`bazel build <bazel_args> <binary>`);
        use the same ones (e.g. -c opt, --config=llmcc) you build with.
      extra_args: more `llmcc tune` arguments.
      llmcc: the llmcc program (name in PATH or absolute path).
      **kwargs: common attributes (tags, visibility, ...).
    """
    _llmcc_tune(
        name = name,
        binary = binary,
        bench_args = bench_args,
        verify = verify,
        verify_tests = verify_tests,
        objective = objective,
        budget = budget,
        time = time,
        planner = planner,
        seed = seed,
        tus = tus,
        bazel_args = bazel_args,
        extra_args = extra_args,
        llmcc = llmcc,
        **kwargs
    )
