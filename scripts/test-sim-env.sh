#!/usr/bin/env bash
# The documented way to drive a served simulator as if it were a real site:
#   vcdscript sim serve &  ;  eval "$(vcdscript sim env)"  ;  vcdscript tenant-network.vs
# Everything goes through libcurl to 127.0.0.1 (VCD, NSX-T Manager and ALB controller each on their
# own port). Checks that the NSX and ALB steps ran, that a second run changes nothing, and that no
# password reached the output. Prints "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
PORT=${PORT:-18843}
swift build --product vcdscript >/dev/null 2>&1 || { echo "build failed"; exit 1; }
BIN="$(swift build --show-bin-path)/vcdscript"
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "$SERVER" ] && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
STATE="$WORK/state.sqlite"
export VCDSCRIPT_HOME="$WORK/home"
"$BIN" sim serve --state "$STATE" --port "$PORT" --task-ms 0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: $1"; fi; }
up=0
for _ in $(seq 1 600); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/api/versions"; then up=1; break; fi
    sleep 0.1
done
[ "$up" = 1 ] && { "$BIN" sim env --state "$STATE" >"$WORK/env.sh" || up=0; }
check "sim env once served" '[ "$up" = 1 ]'
[ "$up" = 1 ] || { cat "$WORK/serve.log"; echo "tests: $passed passed, $failed failed"; exit 1; }
check "env names every service" 'grep -q "^export VCD_URL=" "$WORK/env.sh" && grep -q "^export NSXT_MANAGER_HOST=" "$WORK/env.sh" && grep -q "^export AVI_CONTROLLER=" "$WORK/env.sh"'
PW=$("$BIN" sim status -o json --state "$STATE" | python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["personas"] if p["provider"]][0]["password"])')
(
    eval "$(cat "$WORK/env.sh")"
    "$BIN" tenant-network.vs >"$WORK/run1.txt" 2>&1
    "$BIN" tenant-network.vs >"$WORK/run2.txt" 2>&1
    "$BIN" --debug -e 'print(len(cloud.nsx.tier1s.list()))' >"$WORK/debug.txt" 2>&1
) || { echo "a run failed:"; cat "$WORK"/run*.txt "$WORK/debug.txt" 2>/dev/null | tail -20; failed=$((failed+1)); }
check "first run created the gateway" 'grep -q "+ created edge gateway gw-capvcd" "$WORK/run1.txt"'
check "first run reached the ALB controller" 'grep -q "ALB service engine group seg-tenant" "$WORK/run1.txt" && ! grep -q "no ALB controller" "$WORK/run1.txt"'
check "first run set the NSX route advertisement" 'grep -q "~ updated NSX Tier-1 route advertisement gw-capvcd" "$WORK/run1.txt"'
check "second run changes nothing" '! grep -Eq "^[+~-] " "$WORK/run2.txt" && grep -q "= unchanged" "$WORK/run2.txt"'
check "debug log reaches NSX over HTTP" 'grep -q "/policy/api/v1/infra/tier-1s" "$WORK/debug.txt"'
check "no password in any output" '! grep -qF "$PW" "$WORK/run1.txt" "$WORK/run2.txt" "$WORK/debug.txt"'
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
