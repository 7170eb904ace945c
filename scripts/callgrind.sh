#!/usr/bin/env bash
# Instruction counts of the interpreter, deterministic on a shared machine: each benchmark of bench/
# run under `valgrind --tool=callgrind` with a smaller input (fib(22), 200 000 loop iterations, a
# tenth of maps, strings and runbook), by the release build of vcdscript. Prints the instructions of
# each run, the same less the start-up (an empty program), and per unit of work (per call of fib, per
# loop iteration). These are the figures docs/architecture.md quotes.
# Usage: [VCDSCRIPT_BIN=release-binary] scripts/callgrind.sh [--keep DIR]   (--keep: leave the
#        callgrind.out files in DIR, for callgrind_annotate)
# Needs valgrind. Not part of CI (about a minute of CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=""
if [ "${1:-}" = "--keep" ]; then keep=${2:?"usage: scripts/callgrind.sh [--keep DIR]"}; mkdir -p "$keep"; fi
command -v valgrind >/dev/null 2>&1 || { echo "callgrind: valgrind is not installed" >&2; exit 1; }
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
# VCDSCRIPT_BIN: a release binary built elsewhere (e.g. with --scratch-path) instead of building one.
if [ -n "${VCDSCRIPT_BIN:-}" ]; then
    vcd=$(realpath "$VCDSCRIPT_BIN")
else
    swift build -c release --static-swift-stdlib --product vcdscript >/dev/null
    vcd=$(realpath "$(swift build -c release --static-swift-stdlib --show-bin-path)/vcdscript")
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export VCDSCRIPT_HOME="$WORK/home" NO_COLOR=1
# Swift seeds its hashing per process, which moves map-heavy counts by about 1%: fixed here.
export SWIFT_DETERMINISTIC_HASHING=1
# Valgrind cannot read the DWARF of Swift's release builds: it runs a copy without it (the symbols stay).
strip --strip-debug -o "$WORK/vcdscript" "$vcd"

# The smaller inputs: the benchmark's text with its size replaced (each edit must apply).
shrink() { # NAME FROM TO
    sed "s/$2/$3/" "bench/$1.vs" >"$WORK/$1.vs"
    cmp -s "bench/$1.vs" "$WORK/$1.vs" && { echo "callgrind: bench/$1.vs no longer holds $2" >&2; exit 1; }
    return 0
}
shrink fib 'fib(30)' 'fib(22)'
shrink loop '0\.\.<10000000' '0..<200000'
shrink maps '0\.\.<300000' '0..<30000'
shrink strings '0\.\.<200000' '0..<20000'
shrink runbook '0\.\.<20000' '0..<2000'
: >"$WORK/empty.vs"

count() { # NAME -> instructions
    local out="$WORK/$1.out"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$WORK/vcdscript" "$WORK/$1.vs" >/dev/null 2>"$WORK/$1.err" \
        || { cat "$WORK/$1.err" >&2; exit 1; }
    [ -n "$keep" ] && cp "$out" "$keep/callgrind.out.$1"
    grep -o 'Collected : [0-9]*' "$WORK/$1.err" | awk '{print $3}'
}
empty=$(count empty)
printf '%-10s %15s %15s  %s\n' benchmark instructions "less start-up" "per unit"
printf '%-10s %15s %15s\n' start-up "$empty" -
for name in fib loop maps strings runbook; do
    n=$(count "$name")
    net=$((n - empty))
    case "$name" in
        fib) unit="$((net / 57313)) per call (57 313 calls)" ;;
        loop) unit="$((net / 200000)) per iteration" ;;
        *) unit="" ;;
    esac
    printf '%-10s %15s %15s  %s\n' "$name" "$n" "$net" "$unit"
done
