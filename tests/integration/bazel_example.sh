# examples/bazel-workspace through llmcc with Bazel (Debian's 4.2.3, offline),
# configured the documented way: CC=llmcc and LLMCC_* in a .bazelrc.user. For
# gcc and clang the program's output must equal a plain Bazel build's, and
# llmcc must capture every TU and the links. The first compiler runs sandboxed
# (LLMCC_DIR made writable with --sandbox_writable_path), the last with
# --spawn_strategy=local (stable paths: each source is checked by path, and
# bazel-rules' llmcc_tune runs a real, small tuning session through nested
# Bazel builds).
source "$(dirname "$0")/lib/common.bash"
require_pairs

require bazel

WS="$WORK/ws"
cp -r "$EXAMPLES/bazel-workspace" "$WS"
rm -f "$WS/.bazelrc.user"
# The example finds llmcc's rules at ../.. inside the checkout; it runs from a copy here.
sed -i "s|path = \"../..\"|path = \"$LLMCC_SOURCE_DIR\"|" "$WS/WORKSPACE"
grep -q "path = \"$LLMCC_SOURCE_DIR\"" "$WS/WORKSPACE" || fail "could not point @llmcc at the checkout"
# A deterministic tuning target: objective size, 2 trials, a short run.
cat >>"$WS/tune/BUILD" <<'EOF'

llmcc_tune(
    name = "stats_demo_size",
    binary = "//app:stats_demo",
    bench_args = ["20000"],
    budget = 2,
    objective = "size",
    verify_tests = ["//test:stats_test"],
)
EOF

BAZEL=(bazel --output_user_root="$WORK/bazel-root" --max_idle_secs=300)
on_exit "(cd '$WS' && ${BAZEL[*]} shutdown) >/dev/null 2>&1"
cd "$WS"

bazel_q() { run_quiet "${BAZEL[@]}" "$@"; }

CONFIG_DB="$WORK/db-bazel-configure" # cc_configure's probes, kept out of the counts
mkdir -p "$CONFIG_DB"

last=$((${#PAIRS[@]} - 1))
for index in "${!PAIRS[@]}"; do
  read -r cc _ <<<"${PAIRS[$index]}"
  note "$cc: plain Bazel build"
  rm -f .bazelrc.user
  bazel_q build --repo_env=CC="$cc" //app:stats_demo
  ref="$WORK/plain-$cc.txt"
  ./bazel-bin/app/stats_demo >"$ref"
  expect_same_output "bazel plain $cc" "$EXAMPLES/bazel-workspace/expected_output.txt" cat "$ref"

  fresh_db "bazel-$cc"
  mode=sandboxed
  ((index == last)) && mode=local
  {
    echo "build --repo_env=CC=$LLMCC --action_env=CC=$LLMCC"
    echo "build --repo_env=LLMCC_CC=$cc --action_env=LLMCC_CC=$cc"
    echo "build --repo_env=LLMCC_DIR=$CONFIG_DB --action_env=LLMCC_DIR=$LLMCC_DIR"
    echo "build --sandbox_writable_path=$LLMCC_DIR"
    [[ "$mode" == local ]] && echo "build --spawn_strategy=local"
  } >.bazelrc.user
  note "$cc: Bazel build through llmcc ($mode)"
  bazel_q build //app:stats_demo
  expect_same_output "bazel llmcc $cc" "$ref" ./bazel-bin/app/stats_demo
  # format.c, stats.cc, main.cc; the link reaches llmcc as @params. (Bazel's gcc
  # toolchain links with -pass-exit-codes, which llmcc must classify, not pass
  # through: an unrecorded link leaves llmcc tune without the program's objects.)
  expect_captured "bazel llmcc $cc" 3 1
  if [[ "$mode" == local ]]; then
    execroot="$("${BAZEL[@]}" info execution_root 2>/dev/null)"
    expect_sources_captured "bazel llmcc $cc" "$execroot/lib/stats.cc" "$execroot/lib/format.c" \
      "$execroot/app/main.cc"
  fi

  note "$cc: bazel test through llmcc"
  bazel_q test //test:stats_test
  # + stats_test.cc; links: + the test and the libstats.so it links in fastbuild.
  expect_captured "bazel llmcc test $cc" 4 3
done

# bazel-rules' llmcc_tune, on the last (local) configuration above.
if ! "$LLMCC" tune --help >/dev/null 2>&1; then
  note "llmcc tune is not available: llmcc_tune not exercised"
elif [[ ! -f .bazelrc.user ]]; then
  fail "no llmcc build to tune"
else
  note "llmcc_tune: bazel run //tune:stats_demo -- --dry-run"
  out="$WORK/tune-dry-run.txt"
  if "${BAZEL[@]}" run //tune:stats_demo -- --dry-run >"$out" 2>&1; then
    grep -q -- "--build-cmd bazel .* build .*--action_env=LLMCC_TRIAL_FILE //app:stats_demo" "$out" ||
      fail "llmcc_tune did not rebuild //app:stats_demo with the trial file: $(cat "$out")"
    grep -q -- "--bench $WS/bazel-out/[^ ]*/bin/app/stats_demo 400000" "$out" ||
      fail "llmcc_tune did not bench app/stats_demo: $(cat "$out")"
    grep -q -- "--verify bazel .* test .*//test:stats_test" "$out" ||
      fail "llmcc_tune did not verify with bazel test: $(cat "$out")"
  else
    tail -n 30 "$out" >&2
    fail "bazel run //tune:stats_demo -- --dry-run failed"
  fi

  # A real session: every trial is a nested `bazel build` that must recompile
  # the TU through llmcc with the trial config (llmcc tune checks that itself).
  note "llmcc_tune: bazel run //tune:stats_demo_size (objective size, 2 trials)"
  out="$WORK/tune.txt"
  if "${BAZEL[@]}" run //tune:stats_demo_size >"$out" 2>&1; then
    grep -q "session [0-9]* done" "$out" || fail "llmcc_tune: no finished session: $(tail -n 20 "$out")"
    grep -q "Running Bazel server needs to be killed" "$out" &&
      fail "llmcc_tune: the nested bazel calls restarted the server"
    json_get "$("$LLMCC" winners --json)" 'len(j)' >/dev/null || fail "llmcc winners failed after tuning"
    expect_same_output "bazel after tuning" "$ref" ./bazel-bin/app/stats_demo
  else
    tail -n 30 "$out" >&2
    fail "bazel run //tune:stats_demo_size failed"
  fi
fi

pass "Bazel builds and tests through llmcc: same output, every TU and link captured"
