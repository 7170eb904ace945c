#!/usr/bin/env bash
# The documented way to drive a served simulator as if it were a real site:
#   vcdscript sim serve [--tls] &  ;  eval "$(vcdscript sim env)"  ;  vcdscript tenant-network.vs
# Everything goes through libcurl to 127.0.0.1 (VCD, NSX-T Manager and ALB controller each on their
# own port), over HTTP and then over HTTPS with the simulator's certificate as the CA file
# (verification on). Checks that the NSX and ALB steps ran, that a second run changes nothing, and
# that no password reached the output. Prints "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
PORT=${PORT:-18843}
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; exit 1; }
. scripts/lib/sim-serve.sh
WORK=$(mktemp -d)
trap 'stop_sim; rm -rf "$WORK"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: $1"; fi; }

for scheme in http https; do
    W="$WORK/$scheme"
    STATE="$W/state.sqlite"
    port=$PORT
    [ "$scheme" = https ] && port=$((PORT + 10))
    if ! start_sim "$scheme" "$STATE" "$port" "$WORK/$scheme.log" --access-log "$W/access.log"; then failed=$((failed+1)); continue; fi
    "$BIN" sim env --state "$STATE" >"$W/env.sh"
    check "$scheme: env names every service" 'grep -q "^export VCD_URL='"'"'$scheme://" "$W/env.sh" && grep -q "^export NSXT_MANAGER_HOST=" "$W/env.sh" && grep -q "^export AVI_CONTROLLER=" "$W/env.sh"'
    if [ "$scheme" = https ]; then
        check "https: env trusts the simulator's certificate, verification on" 'grep -q "^export VCD_CA_FILE=" "$W/env.sh" && ! grep -q VCD_ALLOW_UNVERIFIED_SSL "$W/env.sh"'
    fi
    PW=$("$BIN" sim status -o json --state "$STATE" | python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["personas"] if p["provider"]][0]["password"])')
    (
        export VCDSCRIPT_HOME="$W/home"
        eval "$(cat "$W/env.sh")"
        "$BIN" tenant-network.vs >"$W/run1.txt" 2>&1
        "$BIN" tenant-network.vs >"$W/run2.txt" 2>&1
        "$BIN" --debug -e 'print(len(cloud.nsx.tier1s.list()))' >"$W/debug.txt" 2>&1
    ) || { echo "$scheme: a run failed:"; cat "$W"/run*.txt "$W/debug.txt" 2>/dev/null | tail -20; failed=$((failed+1)); }
    check "$scheme: first run created the gateway" 'grep -q "+ created edge gateway gw-capvcd" "$W/run1.txt"'
    check "$scheme: first run reached the ALB controller" 'grep -q "ALB service engine group seg-tenant" "$W/run1.txt" && ! grep -q "no ALB controller" "$W/run1.txt"'
    check "$scheme: first run set the NSX route advertisement" 'grep -q "~ updated NSX Tier-1 route advertisement gw-capvcd" "$W/run1.txt"'
    check "$scheme: second run changes nothing" '! grep -Eq "^[+~-] " "$W/run2.txt" && grep -q "= unchanged" "$W/run2.txt"'
    check "$scheme: debug log reaches NSX" 'grep -q "/policy/api/v1/infra/tier-1s" "$W/debug.txt"'
    check "$scheme: no password in any output" '! grep -qF "$PW" "$W/run1.txt" "$W/run2.txt" "$W/debug.txt"'
    check "$scheme: --access-log: one line per request, mode 0600" '[ "$(stat -c %a "$W/access.log")" = 600 ] && grep -Eq "^[0-9T:.-]+Z vcd POST /cloudapi/1.0.0/sessions(/provider)? 200 - [0-9]+ [^ ]+@[^ ]+ \"vcdscript" "$W/access.log" && grep -Eq " nsx (GET|PATCH) /policy/api/v1/infra/tier-1s" "$W/access.log"'
    check "$scheme: --access-log holds no password" '! grep -qF "$PW" "$W/access.log" && ! grep -qi "authorization\|bearer" "$W/access.log"'
    stop_sim
done
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
