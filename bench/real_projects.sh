#!/usr/bin/env bash
# Real projects end to end (issue 18): two Debian source packages built with
# their own build systems through llmcc with the distribution's flags, tuned
# with a fixed-work benchmark written as a shell script and the project's own
# tests (or a round-trip check) as --verify, then the whole program measured
# side by side (bench/side_by_side.py: interleaved, CPU time, min and median):
# the plain build with the distribution's flags, the tuned build, and the whole
# program built with the plain compiler at -O3 -march=native. The benchmarks do ~0.25 s of work each
# (libdeflate at -6 alone was 0.04 s: too short to time against noise).
#
#   bench/real_projects.sh [--bin build/bin] [--budget 8] [--objective time|instructions]
#                          [--work /tmp/llmcc-real] [libdeflate] [brotli]
#
# --objective instructions tunes on callgrind counts (deterministic on a loaded
# machine); the whole-program figures are always timed side by side.
#
# Needs deb-src entries for `apt-get source` (Debian 12: add "deb-src" to the
# Types: line of /etc/apt/sources.list.d/debian.sources, then apt-get update).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/bin" budget=8 objective=time work=/tmp/llmcc-real projects=()
while (($#)); do
  case "$1" in
    --bin) bin="$(cd "$2" && pwd)"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --objective) objective="$2"; shift 2 ;;
    *) projects+=("$1"); shift ;;
  esac
done
((${#projects[@]})) || projects=(libdeflate brotli)
export PATH="$bin:$PATH"
mkdir -p "$work"
cd "$work"
flags="$(dpkg-buildflags --get CFLAGS)"

# A few MB of text and binary data that every run compresses.
data="$work/data.bin"
if [[ ! -s "$data" ]]; then
  { find /usr/include -name '*.h' -size -64k | sort | xargs cat 2>/dev/null | head -c 2000000; } >"$data" || true
  head -c 1000000 /usr/bin/cmake >>"$data"
fi

fetch() { # package -> source directory
  local d
  d=$(find "$work" -maxdepth 1 -type d -name "$1-[0-9]*" | head -1)
  if [[ -z "$d" ]]; then
    apt-get source -qq "$1" >/dev/null 2>&1 || { echo "apt-get source $1 failed (deb-src configured?)" >&2; exit 1; }
    d=$(find "$work" -maxdepth 1 -type d -name "$1-[0-9]*" | head -1)
  fi
  echo "$d"
}

report() { # name build-dir bench...
  local name="$1" dir="$2"
  echo "== $name: tune summary"
  llmcc tune --build-dir "$dir" --resume --dry-run >/dev/null 2>&1 || true
}

run_libdeflate() {
  local src; src=$(fetch libdeflate)
  export LLMCC_DIR="$work/db-libdeflate"
  cd "$src"
  make -s clean >/dev/null 2>&1 || true
  make -s -j2 CC=llmcc CFLAGS="$flags" all test_programs >/dev/null
  cp benchmark "$work/libdeflate-benchmark.plain"
  cat >"$work/libdeflate-verify.sh" <<SH
#!/bin/sh
# The project's own tests and a round trip of the data through its gzip.
set -e
cd "$src"
for t in test_checksums test_incomplete_codes test_litrunlen_overflow test_overread test_slow_decompression test_trailing_bytes; do ./\$t >/dev/null; done
./gzip -c -6 "$data" | ./gzip -d -c | cmp -s - "$data"
SH
  chmod +x "$work/libdeflate-verify.sh"
  echo "== libdeflate: llmcc tune (script benchmark, budget $budget)"
  llmcc tune --build-dir "$src" --build-cmd "make CC=llmcc 'CFLAGS=$flags' all test_programs" \
    --bench "sh -c './benchmark -9 $data >/dev/null && ./benchmark -6 $data >/dev/null && ./benchmark -6 $data >/dev/null && ./benchmark -1 $data >/dev/null'" \
    --verify "$work/libdeflate-verify.sh" --budget "$budget" --objective "$objective" --repeats 3 2>&1 | tee "$work/libdeflate.log"
  cp benchmark "$work/libdeflate-benchmark.tuned"
  "$work/libdeflate-verify.sh" && echo "libdeflate: tests pass with the tuned build"
  rm -rf "$work/libdeflate-native" && cp -r "$src" "$work/libdeflate-native"
  make -s -C "$work/libdeflate-native" clean >/dev/null 2>&1 || true
  make -s -C "$work/libdeflate-native" -j2 CC=gcc CFLAGS="$flags -O3 -march=native" benchmark >/dev/null
  cp "$work/libdeflate-native/benchmark" "$work/libdeflate-benchmark.native"
  local b="$work/libdeflate-benchmark"
  work_of() { echo "sh -c '$1 -9 $data >/dev/null && $1 -6 $data >/dev/null && $1 -6 $data >/dev/null && $1 -1 $data >/dev/null'"; }
  echo "== libdeflate: whole program side by side"
  for v in tuned native; do # compressed sizes must be the plain build's
    cmp -s <("$b.plain" -6 "$data" | grep Compressed) <("$b.$v" -6 "$data" | grep Compressed) ||
      echo "libdeflate: the $v build compresses differently from the plain one"
  done
  python3 "$root/bench/side_by_side.py" --rounds "${ROUNDS:-9}" "plain=$(work_of "$b.plain")" \
    "tuned=$(work_of "$b.tuned")" "O3-native=$(work_of "$b.native")"
  cd "$work"
}

run_brotli() {
  local src; src=$(fetch brotli)
  export LLMCC_DIR="$work/db-brotli"
  rm -rf "$work/brotli-build"
  CC=llmcc CFLAGS="$flags" cmake -S "$src" -B "$work/brotli-build" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DBUILD_TESTING=ON >/dev/null
  cmake --build "$work/brotli-build" >/dev/null
  cp "$work/brotli-build/brotli" "$work/brotli.plain"
  cat >"$work/brotli-verify.sh" <<SH
#!/bin/sh
set -e
cd "$work/brotli-build"
ctest -j2 >/dev/null
./brotli -q 9 -c "$data" | ./brotli -d -c | cmp -s - "$data"
SH
  chmod +x "$work/brotli-verify.sh"
  echo "== brotli: llmcc tune (script benchmark, budget $budget)"
  (cd "$work/brotli-build" && llmcc tune --build-dir . \
    --bench "sh -c './brotli -q 9 -c $data >/dev/null && ./brotli -q 5 -c $data | ./brotli -d -c >/dev/null'" \
    --verify "$work/brotli-verify.sh" --budget "$budget" --objective "$objective" --repeats 3 2>&1 | tee "$work/brotli.log")
  cp "$work/brotli-build/brotli" "$work/brotli.tuned"
  "$work/brotli-verify.sh" && echo "brotli: tests pass with the tuned build"
  rm -rf "$work/brotli-native"
  CC=gcc CFLAGS="$flags -O3 -march=native" cmake -S "$src" -B "$work/brotli-native" -G Ninja \
    -DCMAKE_BUILD_TYPE=None >/dev/null
  cmake --build "$work/brotli-native" --target brotli >/dev/null
  cp "$work/brotli-native/brotli" "$work/brotli.native"
  work_of() { echo "sh -c '$1 -q 9 -c $data >/dev/null && $1 -q 5 -c $data | $1 -d -c >/dev/null'"; }
  echo "== brotli: whole program side by side"
  for v in tuned native; do # the compressed stream must be the plain build's, byte for byte
    cmp -s <("$work/brotli.plain" -q 9 -c "$data") <("$work/brotli.$v" -q 9 -c "$data") ||
      echo "brotli: the $v build compresses differently from the plain one"
  done
  python3 "$root/bench/side_by_side.py" --rounds "${ROUNDS:-9}" "plain=$(work_of "$work/brotli.plain")" \
    "tuned=$(work_of "$work/brotli.tuned")" "O3-native=$(work_of "$work/brotli.native")"
}

for p in "${projects[@]}"; do
  "run_$p"
done
