#!/usr/bin/env bash
# Runs every test: the Swift unit tests (XCTest and Swift Testing; they include the language spec
# tests under Tests/spec and the examples of docs/*.md), then each executable scripts/test-*.sh
# suite (REPL under tmux, simulator durability, real third-party clients). Prints one closing
# line "tests: N passed, M failed" that counts them all.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

passed=0
failed=0
swift build --build-tests || { echo "tests: 0 passed, 1 failed"; exit 1; }
mkdir -p .build
swift test --skip-build 2>&1 | tee .build/test-output.txt
rc=${PIPESTATUS[0]}
# XCTest's last summary line: "Executed N tests, with [S tests skipped and] F failures"
summary=$(grep -E 'Executed [0-9]+ tests?, with' .build/test-output.txt | tail -1)
if [ -n "$summary" ]; then
    n=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    f=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
    s=$(echo "$summary" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0)
    passed=$((passed + n - f - s))
    failed=$((failed + f))
fi
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

# Further suites: each exits non-zero on failure and ends with "N passed, M failed".
for suite in scripts/test-*.sh; do
    [ -x "$suite" ] || continue
    echo "== $suite"
    out=$(mktemp)
    "$suite" 2>&1 | tee "$out"
    src=${PIPESTATUS[0]}
    line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    if [ -n "$line" ]; then
        passed=$((passed + $(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')))
        failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
    fi
    if [ "$src" -ne 0 ]; then
        echo "FAILED: $suite (exit $src)"
        [ -z "$line" ] || [ "$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')" -eq 0 ] && failed=$((failed + 1))
    fi
    rm -f "$out"
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
