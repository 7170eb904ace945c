#!/usr/bin/env bash
# The main job, as a user runs it: `vcdscript lab-setup.vs` on a fresh machine against the embedded
# simulator, with no setup and no arguments, from a folder that is not the project. Checks that the
# whole lab is built (tenant network, node template, kind cluster, Cluster API and CAPVCD, workload
# cluster Provisioned, a LoadBalancer service with an address, pivot, kind cluster deleted), that a
# second run changes nothing and sends no write, that --plan on a fresh simulator writes nothing,
# that a kubeconfig left by another simulator state is refused without any connection, and that no
# password or token reaches the output. Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
swift build --product vcdscript >/dev/null 2>&1 || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
BIN="$(swift build --show-bin-path)/vcdscript"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "ok - $1"; else failed=$((failed+1)); echo "not ok - $1"; fi; }
writes() { VCDSCRIPT_HOME="$1" "$BIN" sim status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["writes"])'; }

# 1. The whole lab, twice, in a fresh home and an empty folder.
HOME1="$WORK/home1"; RUN="$WORK/run"; mkdir -p "$HOME1" "$RUN"
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" lab-setup.vs >"$WORK/lab1.txt" 2>&1); rc1=$?
check "first run exits 0" '[ $rc1 = 0 ] || { tail -20 "$WORK/lab1.txt"; false; }'
check "tenant network built" 'grep -q "+ created edge gateway gw-capvcd" "$WORK/lab1.txt" && grep -q "+ created NAT rule" "$WORK/lab1.txt"'
check "node template uploaded" 'grep -q "+ created template" "$WORK/lab1.txt"'
check "kind cluster created" 'grep -q "+ created kind cluster capvcd" "$WORK/lab1.txt"'
check "workload cluster Provisioned" 'grep -q "Cluster/capi-cluster .*Provisioned" "$WORK/lab1.txt"'
check "LoadBalancer service has an address" 'grep -Eq "^service test-lb: [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+" "$WORK/lab1.txt"'
check "pivot done, kind cluster deleted" 'grep -q "managed by capi-cluster" "$WORK/lab1.txt" && grep -q "^- deleted kind cluster capvcd" "$WORK/lab1.txt"'
check "lab ready" 'grep -q "^lab ready" "$WORK/lab1.txt"'
check "kubeconfig written 0600" '[ "$(stat -c %a "$RUN/capi-cluster.kubeconfig" 2>/dev/null)" = 600 ]'
before=$(writes "$HOME1")
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" lab-setup.vs >"$WORK/lab2.txt" 2>&1); rc2=$?
after=$(writes "$HOME1")
check "second run exits 0" '[ $rc2 = 0 ] || { tail -20 "$WORK/lab2.txt"; false; }'
check "second run changes nothing" '! grep -Eq "^[+~-] " "$WORK/lab2.txt" && grep -q "= unchanged edge gateway" "$WORK/lab2.txt"'
check "second run sends no write ($before → $after)" '[ "$before" = "$after" ]'

# 2. --plan on a fresh simulator: the full plan, nothing written.
HOME2="$WORK/home2"; mkdir -p "$HOME2" "$WORK/plan"
VCDSCRIPT_HOME="$HOME2" "$BIN" sim reset >/dev/null 2>&1
w0=$(writes "$HOME2")
(cd "$WORK/plan" && VCDSCRIPT_HOME="$HOME2" "$BIN" --plan lab-setup.vs >"$WORK/plan.txt" 2>&1); rcp=$?
w1=$(writes "$HOME2")
check "--plan exits 0" '[ $rcp = 0 ] || { tail -20 "$WORK/plan.txt"; false; }'
check "--plan prints the plan" 'grep -q "^Plan: " "$WORK/plan.txt" && grep -q "create edge gateway gw-capvcd" "$WORK/plan.txt"'
check "--plan writes nothing ($w0 → $w1)" '[ "$w0" = "$w1" ]'

# 3. The kubeconfig of the first home, used with another state: refused, no connection attempted.
(cd "$RUN" && VCDSCRIPT_HOME="$HOME2" "$BIN" lab-setup.vs >"$WORK/stale.txt" 2>&1)
check "stale kubeconfig refused with a clear error" 'grep -q "no simulated Kubernetes cluster answers at" "$WORK/stale.txt"'

# 4. No secret in any output.
PW=$(VCDSCRIPT_HOME="$HOME1" "$BIN" sim status -o json | python3 -c 'import json,sys; print("\n".join(p["password"] for p in json.load(sys.stdin)["personas"]))')
TOKEN=$(sed -n 's/^ *token: *//p' "$RUN/capi-cluster.kubeconfig" 2>/dev/null | head -1 | tr -d '"'"'"'"')
leak=0
while IFS= read -r s; do
    [ -n "$s" ] && grep -qF -- "$s" "$WORK"/lab1.txt "$WORK"/lab2.txt "$WORK"/plan.txt "$WORK"/stale.txt && leak=1
done <<<"$PW
$TOKEN"
check "no password or token in the output" '[ $leak = 0 ]'

echo "lab: $passed passed, $failed failed"
[ "$failed" = 0 ]
