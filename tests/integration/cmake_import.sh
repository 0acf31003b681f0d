# `llmcc cmake-import` (CMake File API) on examples/mixed-c-cxx: the targets,
# their sources, languages, flags, defines/includes and artifacts read back
# must match the project, and every imported compile argument must appear in
# the compile command CMake itself generated (compile_commands.json). Covers
# Ninja and Unix Makefiles with gcc and clang, and a Ninja Multi-Config
# configuration choice. No build is needed: the reply is written at configure.
source "$(dirname "$0")/lib/common.bash"
require_pairs

require cmake ninja

SRC="$EXAMPLES/mixed-c-cxx"

# check_import <label> <import.json> <build-dir> <compiler id> [config]
check_import() {
  local label="$1" json="$2" dir="$3" compiler_id="$4" config="${5:-}"
  local errors
  errors="$(python3 - "$json" "$dir" "$SRC" "$compiler_id" "$config" <<'PY'
import json, os, shlex, sys
path, build, src, compiler_id, config = sys.argv[1:]
build, src = os.path.realpath(build), os.path.realpath(src)
j = json.load(open(path))
errors = []
def check(ok, msg):
    if not ok:
        errors.append(msg)

expected = {
    "codec": ("STATIC_LIBRARY", ["c/base64.c", "c/varint.c"], "libcodec.a"),
    "records": ("STATIC_LIBRARY", ["cxx/record.cpp", "cxx/workload.cpp"], "librecords.a"),
    "mixed_demo": ("EXECUTABLE", ["apps/mixed_demo.cpp"], "mixed_demo"),
    "test_c": ("EXECUTABLE", ["tests/test_c.c"], "test_c"),
    "test_cxx": ("EXECUTABLE", ["tests/test_cxx.cpp"], "test_cxx"),
}
check(j["build_dir"] == build, f"build_dir {j['build_dir']} != {build}")
check(j["source_dir"] == src, f"source_dir {j['source_dir']} != {src}")
if config:
    check(j["multi_config"] and j["config"] == config, f"config {j['config']} (multi {j['multi_config']}), wanted {config}")
targets = {t["name"]: t for t in j["targets"]}
check(set(targets) == set(expected), f"targets {sorted(targets)} != {sorted(expected)}")
langs = {tc["language"]: tc for tc in j["toolchains"]}
for lang in ("C", "CXX"):
    check(lang in langs and langs[lang]["id"] == compiler_id, f"{lang} toolchain {langs.get(lang)} is not {compiler_id}")

commands = {}
ccj = os.path.join(build, "compile_commands.json")
if os.path.exists(ccj):
    for e in json.load(open(ccj)):
        words = shlex.split(e["command"]) if "command" in e else e["arguments"]
        commands[os.path.realpath(e["file"])] = words
elif not config:
    errors.append("compile_commands.json is missing")

for name, (kind, sources, artifact) in expected.items():
    t = targets.get(name)
    if not t:
        continue
    check(t["type"] == kind, f"{name}: type {t['type']} != {kind}")
    art_dir = os.path.join(build, config) if config else build
    check(t["artifacts"] == [os.path.join(art_dir, artifact)], f"{name}: artifacts {t['artifacts']}")
    compiled = {s["path"]: s for s in t["sources"] if s["compiled"]}
    want = {os.path.join(src, s) for s in sources}
    check(set(compiled) == want, f"{name}: sources {sorted(compiled)} != {sorted(want)}")
    for p, s in compiled.items():
        lang = "C" if p.endswith(".c") else "CXX"
        check(s["language"] == lang, f"{p}: language {s['language']} != {lang}")
        args = s["compile_args"]
        check("-fno-plt" in args, f"{p}: CMAKE_<LANG>_FLAGS (-fno-plt) missing from {args}")
        check("-DLLMCC_IMPORT_MARK=7" in args, f"{p}: the define is missing from {args}")
        if config == "Debug":
            check("-g" in args and "-O3" not in args, f"{p}: Debug flags expected: {args}")
        elif not config:
            check("-O3" in args, f"{p}: Release flags (-O3) expected: {args}")
        includes = {i["path"] for i in s["includes"]}
        check(os.path.join(src, "c") in includes, f"{p}: include dir c/ missing: {includes}")
        if name in ("records", "mixed_demo", "test_cxx"):
            check(os.path.join(src, "cxx") in includes, f"{p}: include dir cxx/ missing: {includes}")
        if p in commands:
            words = commands[p]
            for a in args:
                check(a in words, f"{p}: imported arg {a!r} is not in CMake's command {words}")
        elif not config:
            errors.append(f"{p}: not in compile_commands.json")
deps = targets.get("records", {}).get("dependencies", [])
check(deps == ["codec"], f"records depends on {deps}, expected ['codec']")
link = " ".join(targets.get("mixed_demo", {}).get("link_fragments", []))
check("librecords.a" in link and "libcodec.a" in link, f"mixed_demo link fragments: {link}")
print("\n".join(errors))
PY
)" || fail "$label: the JSON check crashed"
  if [[ -n "$errors" ]]; then
    fail "$label:"$'\n'"$errors"
  fi
}

i=0
for pair in "${PAIRS[@]}"; do
  read -r cc cxx <<<"$pair"
  compiler_id=GNU
  [[ "$cc" == clang ]] && compiler_id=Clang
  generators=("Ninja" "Unix Makefiles")
  generator="${generators[$((i % 2))]}"
  i=$((i + 1))
  label="cmake-import $cc ($generator)"
  note "$label"
  dir="$WORK/import-$cc"
  run_quiet cmake -S "$SRC" -B "$dir" -G "$generator" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_C_FLAGS="-fno-plt -DLLMCC_IMPORT_MARK=7" \
    -DCMAKE_CXX_FLAGS="-fno-plt -DLLMCC_IMPORT_MARK=7"

  # Configured before llmcc's query existed: no reply until cmake runs again.
  if "$LLMCC" cmake-import "$dir" --no-reconfigure >"$WORK/out.txt" 2>&1; then
    fail "$label: --no-reconfigure succeeded without a File API reply"
  elif ! grep -q "re-run cmake" "$WORK/out.txt"; then
    fail "$label: no hint to re-run cmake: $(cat "$WORK/out.txt")"
  fi
  [[ -f "$dir/.cmake/api/v1/query/client-llmcc/query.json" ]] || fail "$label: the query was not written"

  # Now it re-runs cmake itself and reads the reply.
  if ! "$LLMCC" cmake-import "$dir" --json >"$WORK/import-$cc.json" 2>"$WORK/err.txt"; then
    fail "$label: cmake-import failed: $(cat "$WORK/err.txt")"
  fi
  check_import "$label" "$WORK/import-$cc.json" "$dir" "$compiler_id"

  text="$("$LLMCC" cmake-import "$dir" --no-reconfigure)" || fail "$label: second import failed"
  for name in codec records mixed_demo test_c test_cxx; do
    [[ "$text" == *"$name"* ]] || fail "$label: $name missing from the text output"
  done
done

read -r cc cxx <<<"${PAIRS[0]}"
compiler_id=GNU
[[ "$cc" == clang ]] && compiler_id=Clang
label="cmake-import Ninja Multi-Config Debug ($cc)"
note "$label"
dir="$WORK/import-multi"
if run_quiet cmake -S "$SRC" -B "$dir" -G "Ninja Multi-Config" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_C_FLAGS="-fno-plt -DLLMCC_IMPORT_MARK=7" -DCMAKE_CXX_FLAGS="-fno-plt -DLLMCC_IMPORT_MARK=7" &&
  run_quiet "$LLMCC" cmake-import "$dir" --config Debug; then
  "$LLMCC" cmake-import "$dir" --config Debug --no-reconfigure --json >"$WORK/import-multi.json"
  check_import "$label" "$WORK/import-multi.json" "$dir" "$compiler_id" Debug
  "$LLMCC" cmake-import "$dir" --config NoSuchConfig >/dev/null 2>&1 &&
    fail "$label: an unknown configuration was accepted"
fi

pass "cmake-import matches the project and CMake's own compile commands"
