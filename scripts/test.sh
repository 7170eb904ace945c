#!/usr/bin/env bash
# Runs every test: the Swift unit tests (XCTest and Swift Testing), which include the language spec
# tests under Tests/spec, then the shipped runbooks and the third-party client suites if present.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

failed=0
swift build || exit 1
swift test 2>&1 | tee .build/test-output.txt
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || failed=1

# Further suites (each a script that exits non-zero on failure) run in a fixed order.
for suite in scripts/test-*.sh; do
    [ -x "$suite" ] || continue
    echo "== $suite"
    if ! "$suite"; then echo "FAILED: $suite"; failed=1; fi
done
exit $failed
