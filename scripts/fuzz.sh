#!/usr/bin/env bash
# Fuzzes the language: a seeded mutation loop over the spec corpus (Tests/spec/**/*.vs and the
# examples of docs/*.md) plus random token soup, through the lexer, parser, resolver and
# evaluator, in-process, with a step limit and a time limit per input (Tests/VCDScriptTests/
# FuzzTests.swift). Any crash or hang is a failure; the offending input is kept in
# .build/fuzz-findings/.
#
#   scripts/fuzz.sh [SECONDS]          (default 60)
#   VCDSCRIPT_FUZZ_SEED=N              replay a run (the seed is printed)
#   VCDSCRIPT_FUZZ_CONFIG=debug        fuzz the debug build (slower, with exclusivity checks)
#   VCDSCRIPT_FUZZ_INPUT_SECONDS=S     the time limit of one input (default 10)
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

seconds=${1:-60}
seed=${VCDSCRIPT_FUZZ_SEED:-$(date +%s)}
config=${VCDSCRIPT_FUZZ_CONFIG:-release}
findings=.build/fuzz-findings
mkdir -p "$findings"
rm -f "$findings/current-input.vs"

# The unit tests use @testable imports, which need -enable-testing in release builds.
flags=(-c "$config")
[ "$config" = release ] && flags+=(-Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests || { echo "fuzz: build failed"; exit 1; }

VCDSCRIPT_FUZZ_SECONDS=$seconds VCDSCRIPT_FUZZ_SEED=$seed \
    swift test "${flags[@]}" --skip-build --filter 'FuzzTests' 2>&1 | tee "$findings/last-run.txt"
rc=${PIPESTATUS[0]}

if [ -s "$findings/current-input.vs" ]; then
    crash="$findings/crash-$seed-$(date +%s).vs"
    mv "$findings/current-input.vs" "$crash"
    echo "fuzz: CRASH (test process died, exit $rc); the input is in $crash"
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "fuzz: FAILED (exit $rc); see $findings/last-run.txt and any hang-*.vs in $findings"
    exit 1
fi
grep -h '^fuzz: ' "$findings/last-run.txt" | tail -1
echo "fuzz: nothing found"
