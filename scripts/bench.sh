#!/usr/bin/env bash
# Interpreter benchmarks: each program in bench/ (NAME.vs) side by side with its twins NAME.py and
# NAME.lua, run by vcdscript's release build, CPython and Lua 5.4 — the real interpreters, not a
# version manager's shims (pyenv, asdf): each is asked which executable the kernel runs for it
# (/proc/PID/exe), and that file is what is timed.
# Per benchmark and interpreter: CPU time (user + system) and wall time, each the median of RUNS
# runs after a warm-up, the three interpreters taken in turn; the ratios vcdscript/CPython and
# vcdscript/Lua are the medians of the runs' ratios (< 1: vcdscript is faster). The start-up cost
# (an empty program) is measured the same way and printed on its own. Fails (exit 1) when a run
# exits non-zero or when any output differs from CPython's or Lua's.
# Usage: scripts/bench.sh [--json] [RUNS]     (RUNS: 5; --json: the figures as JSON on stdout)
# Needs lua5.4 (scripts/bootstrap.sh --bench installs it). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
json=0; runs=5
for a in "$@"; do
    case "$a" in
        --json) json=1 ;;
        [0-9]*) runs=$a ;;
        *) echo "usage: scripts/bench.sh [--json] [RUNS]" >&2; exit 2 ;;
    esac
done
say() { if [ "$json" = 1 ]; then echo "$@" >&2; else echo "$@"; fi; }
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
command -v lua5.4 >/dev/null 2>&1 || { echo "bench: lua5.4 is not installed (scripts/bootstrap.sh --bench installs it)" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "bench: python3 is not installed" >&2; exit 1; }
# VCDSCRIPT_BIN: a release binary built elsewhere (e.g. with --scratch-path) instead of building one.
if [ -n "${VCDSCRIPT_BIN:-}" ]; then
    vcd=$(realpath "$VCDSCRIPT_BIN")
else
    swift build -c release --static-swift-stdlib --product vcdscript >/dev/null
    vcd=$(realpath "$(swift build -c release --static-swift-stdlib --show-bin-path)/vcdscript")
fi

# The executable each interpreter really runs: the kernel's answer, past shims and symlinks.
python=$(python3 -c 'import os; print(os.readlink("/proc/self/exe"))')
lua=$(lua5.4 -e 'local f = io.popen("readlink /proc/$PPID/exe"); io.write(f:read("l")); f:close()')
for exe in "$python" "$lua" "$vcd"; do
    [ -x "$exe" ] || { echo "bench: $exe is not an executable file" >&2; exit 1; }
    case "$exe" in */shims/*) echo "bench: $exe is a shim, not an interpreter" >&2; exit 1 ;; esac
done
py_version=$("$python" -c 'import platform, sys; print(platform.python_implementation(), platform.python_version())')
lua_version=$("$lua" -v 2>&1 | head -1 | awk '{print $1, $2}')
say "vcdscript: $vcd (release build)"
say "python:    $python ($py_version; python3 on PATH is $(command -v python3))"
say "lua:       $lua ($lua_version; lua5.4 on PATH is $(command -v lua5.4))"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export VCDSCRIPT_HOME="$WORK/home" NO_COLOR=1
: >"$WORK/empty.vs"; : >"$WORK/empty.py"; : >"$WORK/empty.lua"

# One JSON request for the timer: the start-up row, then each benchmark.
python3 - "$vcd" "$python" "$lua" "$runs" "$WORK" bench/*.vs >"$WORK/spec.json" <<'PY'
import json, os, sys
vcd, py, lua, runs, work = sys.argv[1:6]
rows = [{"name": "start-up", "commands": {"vcdscript": [vcd, f"{work}/empty.vs"], "cpython": [py, f"{work}/empty.py"], "lua5.4": [lua, f"{work}/empty.lua"]}}]
for vs in sys.argv[6:]:
    name = os.path.basename(vs)[:-3]
    twins = {"cpython": (py, f"bench/{name}.py"), "lua5.4": (lua, f"bench/{name}.lua")}
    missing = [t for _, t in twins.values() if not os.path.exists(t)]
    if missing:
        sys.exit(f"bench: {vs} has no twin {', '.join(missing)}")
    rows.append({"name": name, "commands": {"vcdscript": [vcd, vs], **{k: [exe, f] for k, (exe, f) in twins.items()}}})
json.dump({"runs": int(runs), "rows": rows, "reference": "cpython"}, sys.stdout)
PY
say "timing: $runs runs of each after a warm-up, interpreters in turn ($(nproc) cores; the machine's other load counts)"
python3 "$ROOT/scripts/lib/benchtime.py" <"$WORK/spec.json" >"$WORK/result.json"

python3 - "$WORK/result.json" "$json" "$vcd" "$python" "$lua" "$py_version" "$lua_version" <<'PY'
import json, os, platform, sys
path, as_json, vcd, py, lua, py_version, lua_version = sys.argv[1:8]
r = json.load(open(path))
if as_json == "1":
    out = {"runs": r["runs"], "cores": os.cpu_count(), "machine": platform.machine(),
           "interpreters": {"vcdscript": {"path": vcd, "build": "release"}, "cpython": {"path": py, "version": py_version},
                            "lua5.4": {"path": lua, "version": lua_version}},
           "startup": r["rows"][0], "benchmarks": r["rows"][1:], "problems": r["problems"]}
    json.dump(out, sys.stdout, indent=1); print()
else:
    def row(e):
        c = e["commands"]; q = e["ratios"]
        f = lambda x: "-" if x is None else f"{x:.2f}x"
        return (f"{e['name']:<10} " + " ".join(f"{c[k]['cpu_median']:8.3f}s {c[k]['wall_median']:8.3f}s" for k in ("vcdscript", "cpython", "lua5.4"))
                + f"  {f(q['cpu:vcdscript/cpython']):>7} {f(q['wall:vcdscript/cpython']):>7}  {f(q['cpu:vcdscript/lua5.4']):>7} {f(q['wall:vcdscript/lua5.4']):>7}")
    print(f"{'':<10} {'vcdscript':^19} {'cpython':^19} {'lua5.4':^19}  {'vs CPython':^15}  {'vs Lua':^15}")
    print(f"{'benchmark':<10} " + " ".join(f"{'cpu':>9} {'wall':>9}" for _ in range(3)) + f"  {'cpu':>7} {'wall':>7}  {'cpu':>7} {'wall':>7}")
    for e in r["rows"][1:]:
        print(row(e))
    s = r["rows"][0]["commands"]
    print("start-up (an empty program): " + ", ".join(f"{k} {s[k]['cpu_median'] * 1000:.1f} ms cpu / {s[k]['wall_median'] * 1000:.1f} ms wall" for k in ("vcdscript", "cpython", "lua5.4")))
    print(f"(medians of {r['runs']} runs; ratio < 1: vcdscript is faster; the times include each interpreter's start-up)")
for p in r["problems"]:
    print("bench: FAILED: " + p, file=sys.stderr)
sys.exit(1 if r["problems"] else 0)
PY
