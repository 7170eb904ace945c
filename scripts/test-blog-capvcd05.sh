#!/usr/bin/env bash
# The blog's own install, verbatim, against `vcdscript sim serve --tls` with the simulator's kind and
# clusterctl and the real kubectl: clusterctl init with the blog's Cluster API v0.4.2, CAPVCD 0.5.x
# installed with `kubectl apply -k` of CAPVCD's own kustomize config (from ../shared/fixtures, the
# two files edited as the blog edits them), the v1alpha4 quick-start cluster applied and waited for,
# its kubeconfig from the secret, a LoadBalancer service, and the pivot (clusterctl init + apply -k
# in the workload cluster, clusterctl move), then kind delete cluster.
# Needs ../shared/fixtures/capvcd/0.5.x (the suite fails without it when CI=true or
# VCDSCRIPT_REQUIRE_FIXTURES=1; elsewhere it reports a skip, "skipped: NAME: WHY", that scripts/test.sh counts).
# Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FIX="$ROOT/../shared/fixtures/capvcd/0.5.x"
if [ ! -d "$FIX/config/default" ]; then
    if [ "${CI:-}" = true ] || [ "${VCDSCRIPT_REQUIRE_FIXTURES:-}" = 1 ]; then echo "not ok - fixtures: $FIX is missing"; echo "0 passed, 1 failed"; exit 1; fi
    echo "skipped: the blog's CAPVCD 0.5.x install: $FIX is missing (CAPVCD 0.5.x's kustomize config)"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
PORT=${PORT:-19243}
WORK=$(mktemp -d)
. scripts/lib/sim-serve.sh
trap 'stop_sim; rm -rf "$WORK"' EXIT
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "ok - $1"; else failed=$((failed+1)); echo "not ok - $1"; fi; }
. scripts/lib/kubectl.sh
ensure_kubectl || { echo "not ok - kubectl: $KUBECTL_WHY"; echo "0 passed, 1 failed"; exit 1; }

export HOME="$WORK/home" VCDSCRIPT_HOME="$WORK/home/vcdscript"
mkdir -p "$HOME" "$WORK/run" && cd "$WORK/run"
start_sim https "$VCDSCRIPT_HOME/sim/state.sqlite" "$PORT" "$WORK/serve.log" || { echo "0 passed, 1 failed"; exit 1; }
eval "$("$BIN" sim env)"
KC=(kubectl --request-timeout 30s --cache-dir "$WORK/kcache")

# The tenant layer and the node template the blog prepared in the VCD UI.
"$BIN" tenant-network.vs >"$WORK/tenant.txt" 2>&1
"$BIN" -e 'let t = "ubuntu-20.04-kube-v1.22.5+vmware.1"
let cat = cloud.org("xav_lab").catalogs.ensure(name: "home")
if cat.templates.find(t) == nil { cat.upload(path: cloud.simulator.nodeImage(name: t), name: t) }' >"$WORK/template.txt" 2>&1
check "tenant network and node template ready" 'grep -q "edge gateway gw-capvcd" "$WORK/tenant.txt" && ! grep -qi "error" "$WORK/template.txt"'

kind create cluster --name capvcd >"$WORK/kind.txt" 2>&1
check "kind create cluster --name capvcd" '[ $? = 0 ] || grep -q "Set kubectl context" "$WORK/kind.txt"'
clusterctl init --core cluster-api:v0.4.2 -b kubeadm:v0.4.2 -c kubeadm:v0.4.2 >"$WORK/init.txt" 2>&1; rc=$?
check "clusterctl init --core cluster-api:v0.4.2 -b kubeadm:v0.4.2 -c kubeadm:v0.4.2" '[ $rc = 0 ] && grep -q "Installing Provider=\"cluster-api\" Version=\"v0.4.2\"" "$WORK/init.txt" || { cat "$WORK/init.txt"; false; }'

# The repository's config, edited as the blog edits it (controller_manager_config.yaml, kustomization.yaml).
cp -r "$FIX" "$WORK/capvcd" && chmod -R u+w "$WORK/capvcd"
D="$WORK/capvcd/config"
sed -i -e "s|host: VCD_HOST|host: $VCD_URL|" -e "s|org: ORG|org: xav_lab|" -e "s|vdc: OVDC|vdc: t-tenant|" \
    -e "s|network: NETWORK|network: capvcd-192.168.10.0|" -e "s|vipSubnet: VIP_SUBNET_CIDR|vipSubnet: 203.0.113.1/24|" "$D/manager/controller_manager_config.yaml"
sed -i -e "s|username=USER|username=system/administrator|" -e "s|password=PASSWORD|password=$VCD_PROVIDER_PASSWORD|" "$D/manager/kustomization.yaml"
o=$("${KC[@]}" apply -k "$D/default" 2>&1); rc=$?
check "kubectl apply -k config/default (CAPVCD 0.5.x)" '[ $rc = 0 ] && grep -q "deployment.apps/capvcd-controller-manager created" <<<"$o" || { echo "$o"; false; }'
o=$(timeout 60 "${KC[@]}" -n capvcd-system rollout status deployment/capvcd-controller-manager --timeout=45s 2>&1); rc=$?
check "kubectl rollout status: the CAPVCD controller is running" '[ $rc = 0 ] || { echo "$o"; false; }'

Q="$WORK/capvcd/examples/capi-quickstart.yaml"
sed -i -e "s|site: https://vcd.vmware.com|site: $VCD_URL|" -e "s|org: test_org|org: xav_lab|" -e "s|ovdc: test_orgvdc|ovdc: t-tenant|" \
    -e "s|ovdcNetwork: test_orgvdc_net|ovdcNetwork: capvcd-192.168.10.0|" -e "s|username: username|username: \"system/administrator\"|" \
    -e "s|password: vmware|password: \"$VCD_PROVIDER_PASSWORD\"|" -e "s|catalog: tkgm-cat|catalog: home|" \
    -e "s|template: ubuntu-2004-kube-v1.20.8+vmware.1-tkg.1-17589475007677388652|template: ubuntu-20.04-kube-v1.22.5+vmware.1|" \
    -e "s|computePolicy: tkgm-compute-policy|computePolicy: \"\"|" -e "s|v1.20.8+vmware.1|v1.22.5+vmware.1|" "$Q"
o=$("${KC[@]}" apply -f "$Q" 2>&1); rc=$?
check "kubectl apply -f capi-quickstart.yaml (v1alpha4)" '[ $rc = 0 ] && grep -q "cluster.cluster.x-k8s.io/capi-cluster created" <<<"$o" || { echo "$o"; false; }'
o=$(timeout 90 "${KC[@]}" wait --for=jsonpath='{.status.phase}'=Provisioned cluster/capi-cluster --timeout=60s 2>&1); rc=$?
check "kubectl wait … Provisioned cluster/capi-cluster" '[ $rc = 0 ] || { echo "$o"; "${KC[@]}" get cluster,machines 2>&1; false; }'
o=$("${KC[@]}" get cluster 2>&1)
check "kubectl get cluster: PHASE Provisioned" 'grep -q "PHASE" <<<"$o" && grep -q "capi-cluster .*Provisioned" <<<"$o" || { echo "$o"; false; }'
o=$(clusterctl describe cluster capi-cluster 2>&1)
check "clusterctl describe cluster capi-cluster" 'grep -q "Cluster/capi-cluster" <<<"$o" || { echo "$o"; false; }'
o=$("$BIN" -e 'for r in cloud.org("xav_lab").vdc("t-tenant").gateway("gw-capvcd").nat.list() { print(r.name, r.type) }' 2>&1)
check "the one-arm DNAT rule of CAPVCD 0.5.x is on the gateway" 'grep -q "^dnat-capi-cluster-.* DNAT" <<<"$o" || { echo "$o"; false; }'
"${KC[@]}" -n default get secret capi-cluster-kubeconfig -o json | python3 -c 'import json,sys,base64; sys.stdout.write(base64.b64decode(json.load(sys.stdin)["data"]["value"]).decode())' >/tmp/capi-cluster-kubeconfig-$$.conf
mv /tmp/capi-cluster-kubeconfig-$$.conf "$WORK/capi-cluster-kubeconfig.conf"; chmod 600 "$WORK/capi-cluster-kubeconfig.conf"
WKC=("${KC[@]}" --kubeconfig "$WORK/capi-cluster-kubeconfig.conf")
o=$("${WKC[@]}" get pod -A 2>&1)
check "kubectl get pod -A on the workload cluster: CNI, CPI, CSI and kube-system pods Running" 'for p in antrea-agent antrea-controller vmware-cloud-director-ccm csi-vcd-controllerplugin coredns kube-apiserver; do grep -q "$p.* Running" <<<"$o" || exit 1; done || { echo "$o"; false; }'
o=$("${WKC[@]}" create deployment test-lb --image=containous/whoami --replicas=3 2>&1)
check "kubectl create deployment test-lb --image=containous/whoami --replicas=3" 'grep -q "created" <<<"$o" || { echo "$o"; false; }'
o=$(timeout 60 "${WKC[@]}" rollout status deployment/test-lb --timeout=45s 2>&1); rc=$?
check "kubectl rollout status deployment/test-lb" '[ $rc = 0 ] && grep -q "successfully rolled out" <<<"$o" || { echo "$o"; false; }'
"${WKC[@]}" expose deployment test-lb --port=8080 --target-port=80 --name=test-lb-svc --type=LoadBalancer >/dev/null 2>&1
ip=""
for _ in $(seq 1 50); do ip=$("${WKC[@]}" get svc test-lb-svc -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null); [ -n "$ip" ] && break; sleep 0.2; done
check "kubectl expose … --type=LoadBalancer: EXTERNAL-IP $ip" '[ -n "$ip" ]'

# The pivot, as the blog does it: init and apply -k in the workload cluster, then move.
clusterctl init --kubeconfig "$WORK/capi-cluster-kubeconfig.conf" --core cluster-api:v0.4.2 -b kubeadm:v0.4.2 -c kubeadm:v0.4.2 >"$WORK/init2.txt" 2>&1; rc=$?
check "clusterctl init on the workload cluster" '[ $rc = 0 ] || { cat "$WORK/init2.txt"; false; }'
o=$("${WKC[@]}" apply -k "$D/default" 2>&1); rc=$?
check "kubectl apply -k config/default on the workload cluster" '[ $rc = 0 ] || { echo "$o"; false; }'
clusterctl move --to-kubeconfig "$WORK/capi-cluster-kubeconfig.conf" >"$WORK/move.txt" 2>&1; rc=$?
check "clusterctl move --to-kubeconfig" '[ $rc = 0 ] && grep -q "Moved Cluster default/capi-cluster" "$WORK/move.txt" || { cat "$WORK/move.txt"; false; }'
kind delete cluster --name capvcd >/dev/null 2>&1
o=$(timeout 90 "${WKC[@]}" wait --for=jsonpath='{.status.phase}'=Provisioned cluster/capi-cluster --timeout=60s 2>&1); rc=$?
check "kind delete cluster; the workload cluster manages itself (Provisioned)" '[ $rc = 0 ] || { echo "$o"; false; }'
o=$("${WKC[@]}" scale machinedeployment capi-cluster-md0 --replicas=2 2>&1)
n=0
for _ in $(seq 1 60); do n=$("${WKC[@]}" get machines 2>/dev/null | grep -c Running); [ "$n" -ge 3 ] && break; sleep 0.2; done
check "after the pivot its own controllers scale the workers (3 machines Running)" '[ "$n" -ge 3 ] || { echo "$o"; "${WKC[@]}" get machines; false; }'

stop_sim
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
