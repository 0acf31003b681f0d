#!/usr/bin/env bash
# Every entry of flags/data/{gcc,clang}.json must be accepted by the local compilers
# with -Werror (see scripts/check_option_tables.sh). Skips (77) without the compilers.
source "$(dirname "$0")/lib/common.bash"
require gcc clang
command -v opt-14 >/dev/null || command -v opt >/dev/null || skip "opt is not installed"
rc=0
bash "$LLMCC_SOURCE_DIR/scripts/check_option_tables.sh" || rc=$?
((rc != 77)) || skip "no compiler checked"
((rc == 0)) || fail "check_option_tables.sh exited $rc (the rejected entries are listed above)"
pass "every option table entry is accepted with -Werror"
