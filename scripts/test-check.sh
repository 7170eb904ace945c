#!/usr/bin/env bash
# `vcdscript check` as CI runs it, on everything that ships: every stdlib runbook, every example,
# and every ```vcdscript block of README.md and docs/*.md (checked one by one). Each file is one
# check: it must pass with exit code 0, and a deliberately misspelt member must fail with 65.
# Prints "check: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export VCDSCRIPT_HOME="$WORK" NO_COLOR=1
passed=0; failed=0
for f in stdlib/*.vs examples/*.vs README.md docs/*.md; do
    if "$BIN" check "$f" >"$WORK/out.txt" 2>&1; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: vcdscript check $f"; cat "$WORK/out.txt"; fi
done
printf 'let vdc = cloud.org("xav_lab").vdc("t-tenant")\nprint(vdc.gatways)\n' >"$WORK/typo.vs"
"$BIN" check "$WORK/typo.vs" >"$WORK/out.txt" 2>&1
rc=$?
if [ "$rc" = 65 ] && grep -q 'vdc has no member gatways' "$WORK/out.txt"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: a misspelt member is not reported (exit $rc)"; cat "$WORK/out.txt"; fi
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ]
