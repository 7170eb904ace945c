#!/usr/bin/env bash
# Runs every test: the Swift unit tests (XCTest, and Swift Testing if any) and, side by side with
# them, each executable scripts/test-*.sh suite (REPL under tmux, simulator durability, real
# third-party clients; SUITE_JOBS at a time, 2 by default), and ends with the skipped tests listed
# by name, the failed ones, and one closing line
#
#   tests: N passed, M failed, K skipped
#
# What is counted:
# - each XCTest test, except that a test printing "case ok: NAME" / "case FAIL: NAME" lines (the
#   language spec, Tests/spec/**/*.vs, and the examples of README.md and docs/*.md) counts as those
#   cases, one by one (a failure of the test outside its cases counts once more);
# - each check of a suite, from its closing "[word: ]N passed, M failed" line, and each
#   "skipped: NAME: WHY" line it prints (a suite that cannot run a part says so with such a line);
#   a suite that exits non-zero with no failure counted, or prints no closing line, is one failure.
# VCDSCRIPT_CI=1 (.ci/run sets it): a skip is a failure, except the time-boxed fuzzer's
# (FuzzTests.testFuzz, run by scripts/fuzz.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

ALLOWED_SKIPS="FuzzTests.testFuzz"
passed=0
failed=0
skips=()    # "NAME: WHY"
failures=() # names
t0=$SECONDS

close() {
    local kept=() s name
    for s in "${skips[@]+"${skips[@]}"}"; do
        name=${s%%: *}
        if [ "${VCDSCRIPT_CI:-}" = 1 ] && ! grep -qxF -- "$name" <<<"${ALLOWED_SKIPS// /$'\n'}"; then
            failed=$((failed + 1)); failures+=("skipped: $s (VCDSCRIPT_CI=1 allows no skip but the fuzzer's)")
        else
            kept+=("$s")
        fi
    done
    echo
    echo "== totals ($((SECONDS - t0)) s)"
    if [ ${#kept[@]} -gt 0 ]; then
        echo "skipped (${#kept[@]}):"
        printf '  %s\n' "${kept[@]}"
    fi
    if [ ${#failures[@]} -gt 0 ]; then
        echo "failed:"
        printf '  %s\n' "${failures[@]}"
    fi
    echo "tests: $passed passed, $failed failed, ${#kept[@]} skipped"
    [ "$failed" -eq 0 ]
    exit
}

swift build --build-tests || { failed=1; failures+=("swift build --build-tests"); close; }
mkdir -p .build
out=.build/test-output.txt

# The executable suites (scripts/test-*.sh) run side by side, SUITE_JOBS at a time (2 unless set),
# beside the XCTest run: most of their time is waiting on servers, tmux and Python start-up, and
# XCTest runs its tests one after another on one core. Each suite writes its own log, read below in
# a fixed order once all have ended. They get the binary built above (VCDSCRIPT_BIN) instead of
# each calling `swift build`, which would wait on SwiftPM's lock of .build while `swift test` runs.
export VCDSCRIPT_BIN
VCDSCRIPT_BIN="$(swift build --show-bin-path)/vcdscript"
SUITE_LOGS=$(mktemp -d)
suites=()
# Longest first, so the last one to start is a short one.
for s in scripts/test-clients.sh scripts/test-repl.sh scripts/test-blog.sh scripts/test-kube.sh scripts/test-*.sh; do
    [ -x "$s" ] || continue
    case " ${suites[*]-} " in *" $s "*) continue ;; esac
    suites+=("$s")
done
run_suites() {
    local s name
    for s in "${suites[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "${SUITE_JOBS:-2}" ]; do wait -n; done
        name=$(basename "$s" .sh)
        (
            t=$SECONDS
            "$s" >"$SUITE_LOGS/$name.log" 2>&1 </dev/null
            echo $? >"$SUITE_LOGS/$name.rc"
            echo $((SECONDS - t)) >"$SUITE_LOGS/$name.secs"
        ) &
    done
    wait
}
run_suites &
suites_pid=$!
trap 'pkill -TERM -P "$suites_pid" 2>/dev/null; rm -rf "$SUITE_LOGS"' EXIT

t1=$SECONDS
swift test --skip-build 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}

# XCTest: one line per test ("Test Case 'Class.test' passed|failed|skipped (…)"); the reason of a
# skip is on the line before ("…: Class.test : Test skipped - WHY").
xctest=$(awk '
    function name(line) { match(line, /Test Case '\''[^'\'']*'\''/); return substr(line, RSTART + 11, RLENGTH - 12) }
    /Test Case '\''[^'\'']*'\'' started/ { cur = name($0); cok = 0; cfail = 0; next }
    /^case ok: / { cok++; next }
    /^case FAIL: / { cfail++; print "F\t" cur ": " substr($0, 12); next }
    / : Test skipped - / { why = $0; sub(/.* : Test skipped - /, "", why); next }
    /Test Case '\''[^'\'']*'\'' (passed|failed|skipped) \(/ {
        n = name($0); results++
        if ($0 ~ /'\'' skipped \(/) { print "S\t" n ": " why; why = ""; next }
        ok = ($0 ~ /'\'' passed \(/)
        if (cok + cfail > 0) { p += cok; f += cfail; cases += cok + cfail; containers++
            if (!ok && cfail == 0) { f++; print "F\t" n " (outside its cases)" } }
        else if (ok) p++
        else { f++; print "F\t" n }
        cok = 0; cfail = 0; cur = ""
    }
    END { print "P\t" p + 0; print "N\t" f + 0; print "R\t" results + 0; print "C\t" cases + 0 "\t" containers + 0 }
' "$out")
x_passed=$(awk -F'\t' '$1 == "P" { print $2 }' <<<"$xctest")
x_failed=$(awk -F'\t' '$1 == "N" { print $2 }' <<<"$xctest")
x_results=$(awk -F'\t' '$1 == "R" { print $2 }' <<<"$xctest")
x_cases=$(awk -F'\t' '$1 == "C" { print $2 " cases in " $3 " tests" }' <<<"$xctest")
passed=$((passed + x_passed))
failed=$((failed + x_failed))
while IFS=$'\t' read -r kind text; do
    case "$kind" in
        S) skips+=("$text") ;;
        F) failures+=("$text") ;;
    esac
done <<<"$xctest"
# XCTest's own total ("Executed N tests, with [S tests skipped and] F failures") must be the number
# of results read above: a test whose result line was not read would otherwise vanish.
summary=$(grep -E 'Executed [0-9]+ tests?, with' "$out" | tail -1)
executed=$(sed -nE 's/.*Executed ([0-9]+) tests?.*/\1/p' <<<"$summary")
if [ -z "$summary" ]; then
    failed=$((failed + 1)); failures+=("swift test: no XCTest summary (exit $rc): the test process died; see $out")
elif [ "$executed" != "$x_results" ]; then
    failed=$((failed + 1)); failures+=("swift test: XCTest executed $executed tests but $x_results results were read from $out")
fi
# Swift Testing: "✔ Test run with N tests … passed" or "✘ Test run with N tests … failed … with K issues".
st=$(grep -E 'Test run with [0-9]+ tests?' "$out" | tail -1)
st_n=$(sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p' <<<"$st")
if [ -n "$st_n" ] && [ "$st_n" -gt 0 ]; then
    st_failed=$(grep -E 'Test [^ ].* failed after' "$out" | grep -vc 'Test run with')
    st_skipped=$(grep -E 'Test [^ ].* skipped' "$out" | grep -v "Test Case '" | sed -E 's/.*Test (.*) skipped.*/swift-testing \1/')
    st_s=0; [ -n "$st_skipped" ] && st_s=$(wc -l <<<"$st_skipped")
    while IFS= read -r s; do [ -n "$s" ] && skips+=("$s: skipped"); done <<<"$st_skipped"
    passed=$((passed + st_n - st_failed - st_s))
    failed=$((failed + st_failed))
    [ "$st_failed" -gt 0 ] && failures+=("swift-testing: $st_failed test(s), see $out")
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; failures+=("swift test exited $rc with no failing test"); fi
echo "== swift test: $x_passed passed, $x_failed failed (XCTest: $executed tests; the spec and the docs' examples: $x_cases) ($((SECONDS - t1)) s)"

# The suites, in the order they started.
t1=$SECONDS
wait "$suites_pid"
[ "$((SECONDS - t1))" -gt 0 ] && echo "== the suites ended $((SECONDS - t1)) s after swift test"
for suite in "${suites[@]}"; do
    name=$(basename "$suite" .sh)
    log="$SUITE_LOGS/$name.log"
    echo "== $suite"
    cat "$log" 2>/dev/null
    src=$(cat "$SUITE_LOGS/$name.rc" 2>/dev/null || echo 1)
    line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=0; f=0; k=0
    if [ -n "$line" ]; then
        p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
        f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    else
        f=1; failures+=("$suite: no closing \"N passed, M failed\" line (exit $src)")
    fi
    while IFS= read -r s; do
        [ -n "$s" ] || continue
        skips+=("$suite: ${s#skipped: }"); k=$((k + 1))
    done < <(grep -E '^skipped: ' "$log")
    if [ "$src" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; failures+=("$suite: exit $src with no failing check"); fi
    [ "$f" -gt 0 ] && [ -n "$line" ] && failures+=("$suite: $f check(s)")
    passed=$((passed + p))
    failed=$((failed + f))
    echo "== $suite: $p passed, $f failed, $k skipped ($(cat "$SUITE_LOGS/$name.secs" 2>/dev/null || echo '?') s)"
done
close
