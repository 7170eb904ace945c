#!/usr/bin/env bash
# The main job, as a user runs it: `vcdscript lab-setup.vs` on a fresh machine against the embedded
# simulator, with no setup and no arguments, from a folder that is not the project. Checks that the
# whole lab is built (tenant network, node template, kind cluster, Cluster API and CAPVCD, workload
# cluster Provisioned, a LoadBalancer service with an address, pivot, kind cluster deleted), that a
# second run changes nothing and sends no write, that --plan on a fresh simulator writes nothing,
# that a kubeconfig left by another simulator state is refused without any connection, and that no
# password or token reaches the output; that preflight.vs passes on a fresh simulator with no write and
# FAILs on broken prerequisites (lab-setup then stops before any write); that teardown.vs all=true
# leaves the world as seeded and a second teardown is quiet. Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
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

# 5. preflight.vs: on a fresh simulator it passes with no write, and what lab-setup makes is "to be created".
HOME3="$WORK/home3"; mkdir -p "$HOME3" "$WORK/pf"
VCDSCRIPT_HOME="$HOME3" "$BIN" sim reset >/dev/null 2>&1
inventory() {
    (cd "$WORK/pf" && VCDSCRIPT_HOME="$1" "$BIN" -e '
let o = cloud.org("xav_lab")
let v = o.vdc("t-tenant")
print("gateways", v.gateways.names, "networks", v.networks.names, "vapps", v.vapps.names)
print("catalogs", o.catalogs.names, "segs", cloud.serviceEngineGroups.names, "kind", kind.clusters.names)
for c in o.catalogs { print("catalog", c.name, c.templates.names) }
for g in v.gateways { print("gateway", g.name, g.nat.names, g.virtualServices.names, g.pools.names, g.usedIPs, g.serviceEngineGroups.names, g.loadBalancer.enabled) }
if cloud.alb.available { print("alb segs", cloud.alb.serviceEngineGroups.names) }
if cloud.nsx.available { print("tier1s", cloud.nsx.tier1s.names) }' 2>&1)
}
seeded=$(inventory "$HOME3")
w0=$(writes "$HOME3")
(cd "$WORK/pf" && VCDSCRIPT_HOME="$HOME3" "$BIN" preflight.vs >"$WORK/pf1.txt" 2>&1); rcf=$?
w1=$(writes "$HOME3")
check "preflight on a fresh simulator exits 0" '[ $rcf = 0 ] || { cat "$WORK/pf1.txt"; false; }'
check "preflight: no FAIL, ready" '! grep -q "FAIL" "$WORK/pf1.txt" && grep -q "^preflight: ready for lab-setup" "$WORK/pf1.txt"'
check "preflight: what lab-setup makes is to be created, not FAIL" 'grep -q "gw-capvcd to be created by lab-setup" "$WORK/pf1.txt" && grep -q "ok   SNAT: .*to be created by lab-setup" "$WORK/pf1.txt"'
check "preflight: sessions, SEG capacity, IP budget, pool, CIDRs, pivot checked" 'for c in sessions "SEG capacity" gateway "static pool" DNS "CIDR overlaps" template pivot; do grep -q "ok   $c: " "$WORK/pf1.txt" || exit 1; done'
check "preflight sends no write ($w0 → $w1)" '[ "$w0" = "$w1" ]'

# 6. A broken prerequisite FAILs, and lab-setup stops before any write.
(cd "$WORK/pf" && VCDSCRIPT_HOME="$HOME3" "$BIN" preflight.vs cidr=172.18.0.1/24 pool=172.18.0.10-172.18.0.100 >"$WORK/pf2.txt" 2>&1); rcc=$?
check "preflight: a node network in kind's 172.18/16 FAILs (exit 1)" '[ $rcc = 1 ] && grep -q "FAIL CIDR overlaps: node network 172.18.0.1/24 ∩ kind network 172.18.0.0/16" "$WORK/pf2.txt"'
(cd "$WORK/pf" && VCDSCRIPT_HOME="$HOME3" "$BIN" preflight.vs workers=0 >"$WORK/pf3.txt" 2>&1); rcw=$?
check "preflight: workers=0 FAILs for the pivot (exit 1)" '[ $rcw = 1 ] && grep -q "FAIL pivot: workers=0" "$WORK/pf3.txt"'
(cd "$WORK/pf" && VCDSCRIPT_HOME="$HOME3" "$BIN" preflight.vs ipCount=2 pool=192.168.10.10-192.168.10.11 >"$WORK/pf4.txt" 2>&1); rci=$?
check "preflight: IP budget and pool size FAIL" '[ $rci = 1 ] && grep -q "FAIL gateway: ipCount=2" "$WORK/pf4.txt" && grep -q "FAIL static pool: 2 addresses" "$WORK/pf4.txt"'
(cd "$WORK/pf" && VCDSCRIPT_HOME="$HOME3" "$BIN" lab-setup.vs workers=0 >"$WORK/pf5.txt" 2>&1); rcl=$?
w2=$(writes "$HOME3")
check "lab-setup stops on a FAIL with exit 1 and the failures" '[ $rcl = 1 ] && grep -q "check(s) FAIL, nothing was changed" "$WORK/pf5.txt" && grep -q "  - pivot: workers=0" "$WORK/pf5.txt"'
check "lab-setup stopped before any write ($w0 → $w2)" '[ "$w0" = "$w2" ] && ! grep -Eq "^[+~-] " "$WORK/pf5.txt"'
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" preflight.vs >"$WORK/pf6.txt" 2>&1); rcb=$?
check "preflight after the lab is built exits 0" '[ $rcb = 0 ] || { cat "$WORK/pf6.txt"; false; }'
check "preflight after the lab: RDE type registered, IP budget with SNAT-only IPs" 'grep -q "ok   capvcdCluster RDE type: registered: \[\"urn:vcloud:type:vmware:capvcdCluster:" "$WORK/pf6.txt" && grep -q "ok   IP budget: .*SNAT-only: \[" "$WORK/pf6.txt"'
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" preflight.vs kubernetes=v1.99.0 >"$WORK/pf7.txt" 2>&1); rct=$?
check "preflight: a template of another Kubernetes version FAILs" '[ $rct = 1 ] && grep -q "FAIL template: .* has Kubernetes v1.22.5[^,]*, kubernetes=v1.99.0" "$WORK/pf7.txt"'

# 7. teardown.vs all=true after the lab: the world as seeded, no leak; a second teardown is quiet.
w3=$(writes "$HOME1")
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" teardown.vs all=true >"$WORK/td1.txt" 2>&1); rct1=$?
check "teardown all=true exits 0 with no leak" '[ $rct1 = 0 ] && grep -q "^teardown done: nothing of the lab is left" "$WORK/td1.txt" || { tail -30 "$WORK/td1.txt"; false; }'
order() { grep -n -E "$1" "$WORK/td1.txt" | head -1 | cut -d: -f1; }
check "teardown order: LoadBalancer service, moved back, cluster, kind cluster, gateway" '[ -n "$(order "^- deleted edge gateway gw-capvcd")" ] && [ "$(order "^- deleted service default/test-lb")" -lt "$(order "moved from cluster capi-cluster to kind cluster capvcd")" ] && [ "$(order "moved from cluster capi-cluster")" -lt "$(order "^- deleted cluster default/capi-cluster")" ] && [ "$(order "^- deleted cluster default/capi-cluster")" -lt "$(order "^- deleted kind cluster capvcd")" ] && [ "$(order "^- deleted kind cluster capvcd")" -lt "$(order "^- deleted edge gateway gw-capvcd")" ]'
check "teardown: kubeconfig removed" '[ ! -e "$RUN/capi-cluster.kubeconfig" ]'
after_td=$(inventory "$HOME1")
check "teardown all=true leaves the world as seeded" '[ "$seeded" = "$after_td" ] || { diff <(echo "$seeded") <(echo "$after_td"); false; }'
w4=$(writes "$HOME1")
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" teardown.vs all=true >"$WORK/td2.txt" 2>&1); rct2=$?
w5=$(writes "$HOME1")
check "second teardown exits 0 and is quiet" '[ $rct2 = 0 ] && ! grep -Eq "^ *[+~-] " "$WORK/td2.txt" || { cat "$WORK/td2.txt"; false; }'
check "second teardown sends no write ($w4 → $w5)" '[ "$w4" = "$w5" ] && [ "$w3" != "$w4" ]'
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" lab-setup.vs >"$WORK/lab3.txt" 2>&1); rc3=$?
check "lab-setup after teardown builds the lab again" '[ $rc3 = 0 ] && grep -q "^lab ready" "$WORK/lab3.txt" || { tail -20 "$WORK/lab3.txt"; false; }'
(cd "$RUN" && VCDSCRIPT_HOME="$HOME1" "$BIN" teardown.vs >"$WORK/td3.txt" 2>&1); rct3=$?
check "teardown (cluster only) keeps the tenant network, no leak" '[ $rct3 = 0 ] && grep -q "tenant network kept" "$WORK/td3.txt" && ! grep -q "deleted edge gateway" "$WORK/td3.txt" || { tail -20 "$WORK/td3.txt"; false; }'

# 8. Partial state (#15): only the tenant layer (tenant-network.vs), then teardown all=true; a stale
#    kubeconfig of a deleted cluster is removed quietly.
HOME4="$WORK/home4"; mkdir -p "$HOME4" "$WORK/partial"
VCDSCRIPT_HOME="$HOME4" "$BIN" sim reset >/dev/null 2>&1
(cd "$WORK/partial" && VCDSCRIPT_HOME="$HOME4" "$BIN" tenant-network.vs >/dev/null 2>&1)
echo "stale" > "$WORK/partial/capi-cluster.kubeconfig"
(cd "$WORK/partial" && VCDSCRIPT_HOME="$HOME4" "$BIN" teardown.vs all=true >"$WORK/td4.txt" 2>&1); rct4=$?
check "teardown all=true after a half-built lab (tenant layer only) exits 0, no leak" '[ $rct4 = 0 ] && grep -q "^teardown done: nothing of the lab is left" "$WORK/td4.txt" || { cat "$WORK/td4.txt"; false; }'
check "the half-built lab is gone, a stale kubeconfig removed" '[ "$(inventory "$HOME4")" = "$seeded" ] && [ ! -e "$WORK/partial/capi-cluster.kubeconfig" ]'

# 9. Secrets at rest (#16): the state folder is private whatever the umask, the state holds no
#    password and no live token, an older state left readable is narrowed with a notice.
#    (cert.pem is public by nature; node-images are not secrets.)
exposed() { find "$1" -mindepth 1 \( -type f -o -type d \) -perm /077 ! -path "*/node-images*" ! -name cert.pem; }
in_state() { local n=0 f; for f in "$1"/sim/state.sqlite "$1"/sim/state.sqlite-wal "$1"/sim/state.sqlite-shm; do
    [ -f "$f" ] && n=$((n + $(grep -caF -- "$2" "$f"))); done; echo $n; }
check "after the lab: nothing of the state readable by others" '[ -z "$(exposed "$HOME1")" ] || { exposed "$HOME1"; false; }'
leak=0
while IFS= read -r s; do [ -n "$s" ] && [ "$(in_state "$HOME1" "$s")" != 0 ] && leak=1; done <<<"$PW"
check "after the lab: no persona password in state.sqlite, -wal, -shm" '[ $leak = 0 ] && [ -n "$PW" ]'
HOME5="$WORK/home5"; P5='Lab-Secret-Pw-16'
(umask 000; VCDSCRIPT_HOME="$HOME5" "$BIN" sim reset --password "$P5" >/dev/null 2>&1)
check "sim reset under umask 000: folders 0700, files 0600" '[ "$(stat -c %a "$HOME5")" = 700 ] && [ "$(stat -c %a "$HOME5/sim")" = 700 ] && [ -z "$(exposed "$HOME5")" ] || { exposed "$HOME5"; false; }'
(umask 000; VCDSCRIPT_HOME="$HOME5" "$BIN" sim kube create demo >/dev/null 2>&1)
KTOKEN=$(VCDSCRIPT_HOME="$HOME5" "$BIN" sim kube kubeconfig demo 2>/dev/null | sed -n 's/^ *token: *//p' | tr -d '"' | head -1)
(umask 000; VCDSCRIPT_HOME="$HOME5" exec "$BIN" sim serve --port 0 --tls --listen 127.0.0.1 >"$WORK/serve5.txt" 2>"$WORK/serve5.err") &
SPID=$!
for _ in $(seq 1 100); do grep -q '^kube: ' "$WORK/serve5.txt" 2>/dev/null && break; sleep 0.1; done
VCD5=$(sed -n 's/^vcd: //p' "$WORK/serve5.txt"); KUBE5=$(sed -n 's/^kube: //p' "$WORK/serve5.txt")
STOKEN=$(curl -sk -D - -o /dev/null -X POST -u "administrator@System:$P5" -H 'Accept: application/json;version=37.0' \
    "$VCD5/cloudapi/1.0.0/sessions/provider" | tr -d '\r' | sed -n 's/^[Xx]-[Vv][Mm][Ww][Aa][Rr][Ee]-[Vv][Cc][Ll][Oo][Uu][Dd]-[Aa][Cc][Cc][Ee][Ss][Ss]-[Tt][Oo][Kk][Ee][Nn]: //p')
code() { curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" -H 'Accept: application/json;version=37.0' "$1"; }
check "served on 127.0.0.1 (--listen 127.0.0.1): login and the cluster token still work" '[ -n "$STOKEN" ] && [ "$(code "$VCD5/cloudapi/1.0.0/sessions/current" "$STOKEN")" = 200 ] && [ -n "$KTOKEN" ] && [ "$(code "$KUBE5/clusters/demo/api/v1/namespaces" "$KTOKEN")" = 200 ] && ! grep -q warning "$WORK/serve5.err"'
check "served: no password, session token or cluster token in the state bytes" '[ "$(in_state "$HOME5" "$P5")" = 0 ] && [ "$(in_state "$HOME5" "$STOKEN")" = 0 ] && [ "$(in_state "$HOME5" "$KTOKEN")" = 0 ]'
check "after serve --tls and kube create: nothing readable by others" '[ -z "$(exposed "$HOME5")" ] || { exposed "$HOME5"; false; }'
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
check "sim status still shows the passwords" 'VCDSCRIPT_HOME="$HOME5" "$BIN" sim status | grep -q "administrator@System  password $P5 "'
chmod 755 "$HOME5/sim"; chmod 644 "$HOME5/sim/state.sqlite" "$HOME5/sim/personas.json"
VCDSCRIPT_HOME="$HOME5" "$BIN" sim status >/dev/null 2>"$WORK/narrow.err"
check "an older state with 0644 is narrowed with a one-line notice" '[ "$(stat -c %a "$HOME5/sim/state.sqlite")" = 600 ] && [ "$(stat -c %a "$HOME5/sim")" = 700 ] && grep -q "state.sqlite was readable by others (mode 644); now 600" "$WORK/narrow.err" && ! grep -qF "$P5" "$WORK/narrow.err"'
VCDSCRIPT_HOME="$HOME5" "$BIN" sim serve --listen not-an-address >/dev/null 2>"$WORK/listen.err"; rcl5=$?
check "sim serve --listen checks the address before binding" '[ $rcl5 != 0 ] && grep -q "numeric IPv4 or IPv6 address" "$WORK/listen.err"'

echo "lab: $passed passed, $failed failed"
[ "$failed" = 0 ]
