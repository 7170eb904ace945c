#!/usr/bin/env bash
# Real third-party clients against `vcdscript sim serve`, over HTTP and HTTPS:
# pyvcloud 23.0.4 (Tests/clients/pyvcloud_suite.py) and vcd-cli 24.1.0 (below), installed from PyPI
# into a venv (scripts/lib/venvs.sh: default .build/clients-venv, reused when the versions match;
# CLIENTS_VENV overrides).
# Builds nothing: uses the vcdscript binary `swift build` left (scripts/test.sh builds first).
# HTTPS: `sim serve --tls` (self-signed certificate made beside the scratch state; needs openssl).
# Ends with "N passed, M failed"; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
notok() { echo "not ok $1${2:+ - $2}"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

. scripts/lib/bin.sh
vcdscript_bin --no-build
if [ ! -x "$BIN" ]; then notok "vcdscript binary at $BIN" "run swift build first"; finish; fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the venv -------------------------------------------------------------------------------
. scripts/lib/venvs.sh
VENV=$CLIENTS_VENV
PY="$VENV/bin/python"
ensure_clients_venv || { notok "pip install ${CLIENTS_VENV_PACKAGES[*]}"; finish; }
ok "venv with $("$PY" -m pip freeze | grep -E '^(pyvcloud|vcd-cli)==' | tr '\n' ' ')"
VCD="$VENV/bin/vcd"

# The image sets CA bundles that would override verify=False in requests (external-clients.md §3.1).
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE

# The test node OVA, from the simulator's one OVA writer (the Swift tests' TestNodeOVA is the same).
OVA="$WORK/test-node.ova"
if ! "$BIN" sim node-ova --name ubuntu-2204-kube-v1.27.5 --kubernetes v1.27.5+vmware.1 "$OVA" >/dev/null; then
    notok "vcdscript sim node-ova writes the test OVA" "see the error above"; finish
fi

# --- one server per scheme ------------------------------------------------------------------
# start_server SCHEME → sets URL (and PIDS)
start_server() {
    local scheme=$1 state="$WORK/$1/state.sqlite" log="$WORK/$1/serve.log"
    mkdir -p "$WORK/$1"
    PW="clients-$(date +%s)-$RANDOM"
    "$BIN" sim reset --state "$state" --password "$PW" >/dev/null || return 1
    local tlsflag=()
    [ "$scheme" = https ] && tlsflag=(--tls)
    "$BIN" sim serve --state "$state" --port 0 "${tlsflag[@]}" >"$log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    URL=""
    for _ in $(seq 1 300); do
        URL=$(sed -n 's/^vcd: //p' "$log" | head -1)
        [ -n "$URL" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$URL" ] || { cat "$log"; return 1; }
    for _ in $(seq 1 50); do curl -skf "$URL/api/versions" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

# vcd NAME EXPECT ARGS... : runs vcd-cli in a scratch HOME/cwd, passes if exit 0 and output has EXPECT.
vcd_check() {
    local name=$1 expect=$2; shift 2
    local out rc
    out=$(cd "$WORK/cli" && HOME="$WORK/cli" timeout 120 "$VCD" "$@" 2>&1); rc=$?
    if [ $rc -eq 0 ] && { [ -z "$expect" ] || grep -q -- "$expect" <<<"$out"; }; then ok "$name"; else notok "$name" "exit $rc: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"; fi
}

for scheme in http https; do
    echo "# --- $scheme"
    if ! start_server "$scheme"; then notok "$scheme: sim serve starts"; continue; fi
    ok "$scheme: sim serve at $URL"
    if [ "$scheme" = https ]; then
        # The certificate verifies for another TLS stack too (curl with OpenSSL), with no -k.
        cert="$WORK/https/tls/cert.pem"
        if grep -q "^certificate: $cert " "$WORK/https/serve.log" && curl -sf --cacert "$cert" "$URL/api/versions" >/dev/null 2>&1 \
            && ! curl -sf "$URL/api/versions" >/dev/null 2>&1; then
            ok "https: curl verifies the simulator's certificate with --cacert (and refuses it without)"
        else
            notok "https: curl verifies the simulator's certificate with --cacert (and refuses it without)" "$(head -5 "$WORK/https/serve.log" | tr '\n' ' ')"
        fi
    fi
    out=$(cd "$WORK" && timeout 600 "$PY" "$ROOT/Tests/clients/pyvcloud_suite.py" "$URL" "$PW" "$OVA" 2>&1)
    while IFS= read -r line; do
        case "$line" in
            "ok "*) ok "$scheme: pyvcloud: ${line#ok }" ;;
            "not ok "*) notok "$scheme: pyvcloud: ${line#not ok }" ;;
            *) echo "#   $line" ;;
        esac
    done <<<"$out"
    grep -q '^ok \|^not ok ' <<<"$out" || notok "$scheme: pyvcloud suite ran"

    rm -rf "$WORK/cli"; mkdir -p "$WORK/cli"
    vcd_check "$scheme: vcd login (tenant)" "logged in" login "$URL" xav_lab administrator -p "$PW" -i -w
    vcd_check "$scheme: vcd org list" "xav_lab" org list
    vcd_check "$scheme: vcd vdc list" "t-tenant" vdc list
    vcd_check "$scheme: vcd network list" "t-net" network list
    vcd_check "$scheme: vcd vapp list" "" vapp list
    vcd_check "$scheme: vcd catalog create (waits on the task)" "" catalog create cat-cli -d "from vcd-cli"
    vcd_check "$scheme: vcd catalog list" "cat-cli" catalog list
    vcd_check "$scheme: vcd catalog upload (OVA)" "" catalog upload cat-cli "$OVA" -i test-node -n
    vcd_check "$scheme: vcd catalog list cat-cli (items)" "test-node" catalog list cat-cli
    vcd_check "$scheme: vcd vapp create from the template (waits on the task)" "" vapp create vapp-cli -c cat-cli -t test-node -n t-net -i pool -v node-cli
    vcd_check "$scheme: vcd vapp list" "POWERED_ON" vapp list
    vcd_check "$scheme: vcd vapp delete -f" "" vapp delete vapp-cli -y -f
    vcd_check "$scheme: vcd catalog delete item" "" catalog delete cat-cli test-node -y
    vcd_check "$scheme: vcd catalog delete" "" catalog delete cat-cli -y
    vcd_check "$scheme: vcd logout" "" logout
    vcd_check "$scheme: vcd login (provider)" "logged in" login "$URL" System administrator -p "$PW" -i -w
    vcd_check "$scheme: vcd org list (provider)" "xav_lab" org list
    vcd_check "$scheme: vcd catalog list (provider)" "" catalog list
    vcd_check "$scheme: vcd logout (provider)" "" logout
    out=$(cd "$WORK/cli" && HOME="$WORK/cli" timeout 60 "$VCD" login "$URL" xav_lab administrator -p "wrong-$PW" -i -w 2>&1); rc=$?
    if [ $rc -ne 0 ]; then ok "$scheme: vcd login with a wrong password refused (exit $rc)"; else notok "$scheme: vcd login with a wrong password refused" "$out"; fi
done

# avisdk against the simulated ALB controller runs in scripts/test-avisdk.sh.

finish
