#!/usr/bin/env bash
# Builds vcdscript in release mode and runs each benchmark in bench/ side by side with its Python
# and Lua twins (best of N runs), printing times and the ratios to CPython and Lua 5.4.
# Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
if ! command -v lua5.4 >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -qq lua5.4 >/dev/null || { echo "warning: lua5.4 could not be installed; Lua column will be empty" >&2; }
fi
swift build -c release --product vcdscript >/dev/null
bin="$(swift build -c release --show-bin-path)/vcdscript"
python=$(command -v python3)

# best-of-N wall time of a command, in seconds; checks that all runs print the same output
best() {
    local best="" out first=""
    for _ in $(seq "$runs"); do
        local start end t
        start=$(date +%s.%N)
        out=$("$@" 2>&1) || { echo "FAILED: $*: $out" >&2; echo "nan"; return; }
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        [ -z "$first" ] && first="$out"
        [ "$out" != "$first" ] && { echo "nondeterministic output from $*" >&2; }
        if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
    done
    printf "%.3f" "$best"
}

printf "%-10s %10s %10s %10s %12s %10s\n" benchmark vcdscript cpython lua5.4 "vs CPython" "vs Lua"
for vs in bench/*.vs; do
    name=$(basename "$vs" .vs)
    a=$(best "$bin" "$vs")
    p=$(best "$python" "bench/$name.py")
    l="nan"
    command -v lua5.4 >/dev/null 2>&1 && [ -f "bench/$name.lua" ] && l=$(best lua5.4 "bench/$name.lua")
    rp=$(echo "scale=2; $a / $p" | bc -l 2>/dev/null || echo "-")
    rl="-"; [ "$l" != "nan" ] && rl=$(echo "scale=2; $a / $l" | bc -l 2>/dev/null || echo "-")
    printf "%-10s %9ss %9ss %9ss %11sx %9sx\n" "$name" "$a" "$p" "$l" "$rp" "$rl"
done
echo "(ratio < 1 means vcdscript is faster; best of $runs runs, release build, $(nproc) cores)"
