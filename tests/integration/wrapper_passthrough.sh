#!/usr/bin/env bash
# Build systems probe the compiler in odd ways and expect the real compiler's
# exact answers: everything that is not a single-source compile passes through
# untouched and is counted by reason.
source "$(dirname "$0")/lib/common.bash"
cd "$WORK"
printf 'int main(void){return 0;}\n' > t.c
printf 'int a(void){return 1;}\n' > a.c
printf 'int b(void){return 2;}\n' > b.c
printf -- '-O2 -c\n' > opts.rsp

ran=0
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  export LLMCC_CC="$cc" LLMCC_CXX="$cxx"
  # As CC=llmcc the real compiler runs under its resolved path; as a launcher
  # (llmcc gcc ...) under the name given. Compare each with the same call.
  ccpath=$(command -v "$cc")
  # Same stdout, stderr and exit code as the real compiler (as llmcc and as a launcher).
  for args in "--version" "-v" "-dumpversion" "-dumpfullversion" "-dumpmachine" "-print-search-dirs" "-print-prog-name=ld" \
              "-E t.c" "-E -dM -x c /dev/null" "-M t.c" "-S t.c -o -" "-fsyntax-only t.c" \
              "-x c -E -" "--print-file-name=libc.so" "-c a.c b.c" "-c a.c b.c -o ab.o" \
              "-c a.c nosuch.c b.c" "-O2 -c nosuch.c"; do
    # shellcheck disable=SC2086
    want_out=$("$ccpath" $args </dev/null 2>"$WORK/want.err"; echo "rc=$?")
    # shellcheck disable=SC2086
    got_out=$(llmcc $args </dev/null 2>"$WORK/got.err"; echo "rc=$?")
    assert_eq "$got_out" "$want_out" "$cc $args: stdout/exit"
    cmp -s "$WORK/want.err" "$WORK/got.err" || fail "$cc $args: stderr differs"
    # shellcheck disable=SC2086
    want_launcher=$("$cc" $args </dev/null 2>"$WORK/want.err"; echo "rc=$?")
    # shellcheck disable=SC2086
    launcher_out=$(llmcc "$cc" $args </dev/null 2>"$WORK/got.err"; echo "rc=$?")
    assert_eq "$launcher_out" "$want_launcher" "llmcc $cc $args (launcher)"
    cmp -s "$WORK/want.err" "$WORK/got.err" || fail "llmcc $cc $args (launcher): stderr differs"
  done
  # --version is the compiler's, as CC=llmcc and through the launcher form
  # (Meson, autoconf and CMake identify the compiler from it).
  assert_eq "$(llmcc --version)" "$("$ccpath" --version)" "llmcc --version"
  assert_eq "$(llmcc++ --version)" "$("$(command -v "$cxx")" --version)" "llmcc++ --version"
  assert_eq "$(llmcc "$cc" --version)" "$("$cc" --version)" "launcher --version"
  # -### names random temporary files, so only its exit code can match.
  llmcc -### -c t.c 2>/dev/null || fail "-### failed"
  # Response files are read for classification, and the compile still works.
  rm -f t.o
  llmcc @opts.rsp t.c -o t.o && [[ -s t.o ]] || fail "@file compile"
  ran=$((ran + 1))
done
[[ $ran -gt 0 ]] || skip "no compiler"

# Several sources with one -o are the compiler's business; without it they are
# split into one compile per source (same output, diagnostics and exit code).
[[ $(stat_counter compile.split) -gt 0 ]] || fail "no split compile counted"
for reason in probe preprocess dependency_only assembly_output syntax_only stdin_input multiple_sources; do
  n=$(stat_counter "passthrough.$reason")
  [[ $n -gt 0 ]] || fail "no passthrough counted for $reason"
done
# The @file compile was classified as a compile (a plain one: no winners).
[[ $(stat_counter compile.plain) -ge $ran ]] || fail "response-file compiles not counted as compiles"

# The tool itself: its version under a spelling no compiler uses, shown in the help.
version="$(sed -n 's/^project(llmcc VERSION \([0-9.]*\).*/\1/p' "$LLMCC_SOURCE_DIR/CMakeLists.txt")"
assert_eq "$(llmcc version)" "llmcc $version" "llmcc version"
assert_eq "$(llmcc++ version)" "llmcc $version" "llmcc++ version"
assert_contains "$(llmcc --help)" "tune" "--help lists subcommands"
assert_contains "$(llmcc --help)" "version" "--help shows llmcc version"
assert_contains "$(llmcc help)" "tune" "help lists subcommands"
assert_contains "$(llmcc)" "tune" "no arguments: the help"
pass "probes pass through byte-identically; counters by reason"
