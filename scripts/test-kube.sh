#!/usr/bin/env bash
# The simulated Kubernetes API (`sim serve`, PORT+3) against real clients: the Python `kubernetes`
# client from PyPI (31.0.0, venv under .build/kube-venv) over http, and kubectl (scripts/lib/kubectl.sh)
# over https with `sim serve --tls` (client-go sends bearer tokens only over https), the
# simulator's certificate in the kubeconfig; kubectl 1.32's typed `create`/`expose` send
# protobuf bodies. Manifests are the fixtures of CAPVCD and the
# cloud provider (../shared/fixtures: without them the kubectl checks are skipped, a failure with
# VCDSCRIPT_REQUIRE_FIXTURES=1). A part that cannot run says so: "skipped: NAME: WHY", counted by
# scripts/test.sh. Prints "tests: N passed, M failed, K skipped"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
PORT=${PORT:-18943}
KPORT=$((PORT + 3))
FIX=${FIXTURES:-$ROOT/../shared/fixtures}
[ -d "$FIX" ] || FIX=/work/shared/fixtures
PASS=0; FAIL=0; SKIP=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $1${2:+: $2}"; }
skip() { SKIP=$((SKIP + 1)); echo "skipped: $1: $2"; }
finish() { echo "tests: $PASS passed, $FAIL failed, $SKIP skipped"; [ "$FAIL" = 0 ]; exit $?; }

. scripts/lib/venvs.sh
. scripts/lib/kubectl.sh
VENV=$KUBE_VENV
ensure_kube_venv || { notok "pip install ${KUBE_VENV_PACKAGES[*]}"; finish; }
. scripts/lib/bin.sh
vcdscript_bin || { notok "swift build"; finish; }
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
STATE="$WORK/state.sqlite"

# Clusters are created on a stopped state, then served.
"$BIN" sim kube create mgmt --state "$STATE" >/dev/null && ok "sim kube create" || notok "sim kube create"
"$BIN" sim kube create mgmt --state "$STATE" >/dev/null 2>&1 && notok "duplicate cluster refused" || ok "duplicate cluster refused"
"$BIN" sim kube create work --kubernetes-version v1.32.0 --state "$STATE" >/dev/null && ok "sim kube create (v1.32.0)" || notok "sim kube create (v1.32.0)"
"$BIN" sim serve --state "$STATE" --port "$PORT" --task-ms 0 >"$WORK/serve.log" 2>&1 &
PIDS+=("$!")
up=0
for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$KPORT/clusters/mgmt/version"; then up=1; break; fi
    sleep 0.1
done
[ "$up" = 1 ] || { notok "sim serve" "$(cat "$WORK/serve.log")"; finish; }
grep -q "^kube: http://127.0.0.1:$KPORT" "$WORK/serve.log" && ok "kube served on PORT+3" || notok "kube served on PORT+3" "$(cat "$WORK/serve.log")"
"$BIN" sim kube list --state "$STATE" | grep -q "^mgmt " && ok "sim kube list" || notok "sim kube list"

( umask 077; "$BIN" sim kube kubeconfig mgmt --state "$STATE" >"$WORK/kubeconfig" ) && ok "kubeconfig (http)" || notok "kubeconfig (http)"
TOKEN=$("$VENV/bin/python" -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["users"][0]["user"]["token"])' "$WORK/kubeconfig")
code=$(curl -s -o "$WORK/401.json" -w '%{http_code}' "http://127.0.0.1:$KPORT/clusters/mgmt/api/v1/namespaces")
[ "$code" = 401 ] && grep -q '"reason":"Unauthorized"' "$WORK/401.json" && ok "no token: 401 Status" || notok "no token: 401 Status" "$code $(cat "$WORK/401.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$KPORT/clusters/mgmt/api/v1/namespaces")
[ "$code" = 200 ] && ok "token: 200" || notok "token: 200" "$code"

# One CRD from CAPVCD's infrastructure components, and objects from the v1beta2 quickstart.
# Without the shared fixtures (a machine that has only the clone), a CRD of the same shape written
# here stands in, and the kubectl checks that apply recorded manifests are skipped.
if [ ! -d "$FIX/capvcd" ]; then
    if [ "${VCDSCRIPT_REQUIRE_FIXTURES:-}" = 1 ]; then notok "fixtures" "none at $FIX (VCDSCRIPT_REQUIRE_FIXTURES=1)"; fi
    echo "note: no fixtures at $FIX; the CRD checks use the suite's own VCDCluster CRD"
    cat >"$WORK/vcdcluster-crd.yaml" <<'CRD'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: vcdclusters.infrastructure.cluster.x-k8s.io
spec:
  group: infrastructure.cluster.x-k8s.io
  names: {kind: VCDCluster, listKind: VCDClusterList, plural: vcdclusters, singular: vcdcluster}
  scope: Namespaced
  versions:
  - name: v1beta2
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
CRD
    cp "$WORK/vcdcluster-crd.yaml" "$WORK/crds.yaml"
    ok "CRD prepared (no fixtures)"
    KUBECTL_FIXTURES=0
else
KUBECTL_FIXTURES=1
"$VENV/bin/python" - "$FIX/capvcd/infrastructure-components-1.3.2.yaml" "$FIX/capvcd/capi-quickstart-v1beta2-1.3.2.yaml" "$WORK" <<'PY'
import sys, yaml
comps, quick, work = sys.argv[1:4]
crds = [d for d in yaml.safe_load_all(open(comps)) if d and d.get("kind") == "CustomResourceDefinition"]
yaml.safe_dump(next(d for d in crds if d["metadata"]["name"].startswith("vcdclusters.")), open(f"{work}/vcdcluster-crd.yaml", "w"))
yaml.safe_dump_all(crds, open(f"{work}/crds.yaml", "w"))
objs = [d for d in yaml.safe_load_all(open(quick)) if d and d.get("kind") in ("Secret", "VCDCluster", "VCDMachineTemplate")]
yaml.safe_dump_all(objs, open(f"{work}/objects.yaml", "w"))
PY
[ -s "$WORK/crds.yaml" ] && ok "fixtures split" || notok "fixtures split"
fi

out=$(cd "$WORK" && timeout 300 "$VENV/bin/python" "$ROOT/Tests/clients/kube_python_suite.py" "$WORK/kubeconfig" "$WORK/vcdcluster-crd.yaml" 2>&1)
rc=$?
while IFS= read -r line; do
    case "$line" in
        "ok "*) ok "python: ${line#ok }" ;;
        "not ok "*) notok "python: ${line#not ok }" ;;
        *) [ -n "$line" ] && echo "#   $line" ;;
    esac
done <<<"$out"
[ $rc = 0 ] && ok "python suite ran to the end" || notok "python suite ran to the end" "exit $rc"

KUBECTL_SKIP=""
if [ "$KUBECTL_FIXTURES" != 1 ]; then KUBECTL_SKIP="they apply the shared fixtures, and there are none at $FIX"
elif ! ensure_kubectl; then KUBECTL_SKIP="kubectl $KUBECTL_WHY"
elif ! command -v openssl >/dev/null 2>&1; then KUBECTL_SKIP="openssl is not installed (sim serve --tls needs it; scripts/bootstrap.sh installs it)"
fi
if [ -z "$KUBECTL_SKIP" ]; then
    # client-go sends tokens only over https: the same state served again with --tls.
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    PIDS=()
    TPORT=$((PORT + 20))
    "$BIN" sim serve --tls --state "$STATE" --port "$TPORT" --task-ms 0 >"$WORK/serve-tls.log" 2>&1 &
    PIDS+=("$!")
    URL="https://127.0.0.1:$((TPORT + 3))"
    for _ in $(seq 1 300); do curl -sk -o /dev/null "$URL/clusters/mgmt/version" && break; sleep 0.1; done
    grep -q "^kube: $URL" "$WORK/serve-tls.log" && ok "kube served over https with --tls" || notok "kube served over https with --tls" "$(cat "$WORK/serve-tls.log")"
    # kubectl_suite CLUSTER VERSION: the same checks against a cluster reporting VERSION (kubectl
    # dispatchers pick a client of the server's minor version: 1.29 and 1.32 are both covered).
    kubectl_suite() {
        local cl=$1 ver=$2
        # No --server or --certificate-authority: the running --tls server and its certificate.
        ( umask 077; "$BIN" sim kube kubeconfig "$cl" --state "$STATE" >"$WORK/kubeconfig-$cl" )
        grep -q "$URL/clusters/$cl" "$WORK/kubeconfig-$cl" && ok "kubectl: $cl: kubeconfig names the https server" || notok "kubectl: $cl: kubeconfig names the https server" "$(grep server: "$WORK/kubeconfig-$cl")"
        export KUBECONFIG="$WORK/kubeconfig-$cl"
        KC=(kubectl --cache-dir "$WORK/kcache-$cl" --request-timeout 30s)
        kc "$cl: version" "Server Version: $ver" version
        kc "$cl: get namespaces (server-side table)" "kube-system *Active" get namespaces
        kc "$cl: apply cloud provider manifest" "deployment.apps/vmware-cloud-director-ccm created" apply -f "$FIX/k8s/cloud-director-ccm.yaml"
        kc "$cl: apply again is unchanged" "deployment.apps/vmware-cloud-director-ccm unchanged" apply -f "$FIX/k8s/cloud-director-ccm.yaml"
        kc "$cl: get deployment" "vmware-cloud-director-ccm" get deployment -n kube-system
        kc "$cl: get clusterrole (name with colons)" "system:cloud-controller-manager" get clusterrole
        kc "$cl: scale deployment" "scaled" scale deployment vmware-cloud-director-ccm -n kube-system --replicas=2
        kc "$cl: replicas after scale" "^2$" get deployment vmware-cloud-director-ccm -n kube-system -o jsonpath='{.spec.replicas}'
        kc "$cl: apply CAPVCD CRDs" "vcdmachinetemplates.infrastructure.cluster.x-k8s.io created" apply -f "$WORK/crds.yaml"
        kc "$cl: CRD in api-resources" "VCDCluster" api-resources --api-group=infrastructure.cluster.x-k8s.io
        kc "$cl: apply quickstart objects" "vcdcluster.infrastructure.cluster.x-k8s.io/capi-cluster created" apply -f "$WORK/objects.yaml"
        kc "$cl: get vcdclusters" "capi-cluster" get vcdclusters
        kc "$cl: label custom object" "labeled" label vcdcluster capi-cluster env=lab
        kc "$cl: select by label" "capi-cluster" get vcdclusters -l env=lab -o name
        # Watches: each command holds a watch open while a background write changes what it waits for.
        local bg o
        kcw "$cl: wait for a jsonpath (namespace Active)" "namespace/default condition met" wait --for=jsonpath='{.status.phase}'=Active ns/default --timeout=20s
        ( sleep 3; "${KC[@]}" patch vcdcluster capi-cluster --subresource=status --type=merge \
            -p '{"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-01-01T00:00:00Z"}]}}' >/dev/null 2>&1 ) &
        bg=$!
        kcw "$cl: wait for a condition of a custom resource patched meanwhile" "condition met" wait --for=condition=Ready vcdcluster/capi-cluster --timeout=20s
        wait "$bg"
        kc "$cl: create a configmap to delete" "configmap/doomed created" create configmap doomed
        ( sleep 3; "${KC[@]}" delete configmap doomed >/dev/null 2>&1 ) &
        bg=$!
        kcw "$cl: wait for a deletion made meanwhile" "condition met" wait --for=delete configmap/doomed --timeout=20s
        wait "$bg"
        # get -w: the object is created once kubectl's watch request is answered (its -v=6 log line),
        # so only the watch can show it.
        timeout 10 "${KC[@]}" get configmaps -w -v=6 >"$WORK/getw-$cl" 2>"$WORK/getw-$cl.log" &
        bg=$!
        for _ in $(seq 1 80); do grep -q "watch=true.* 200 OK" "$WORK/getw-$cl.log" && break; sleep 0.1; done
        "${KC[@]}" create configmap watched >/dev/null 2>&1
        wait "$bg"
        o=$(cat "$WORK/getw-$cl" "$WORK/getw-$cl.log" | grep -v "round_trippers\|loader.go")
        grep -q "^watched " <<<"$o" && ok "kubectl: $cl: get -w shows an object created meanwhile" || notok "kubectl: $cl: get -w shows an object created meanwhile" "$(tr '\n' ' ' <<<"$o" | cut -c1-400)"
        kc "$cl: delete the watched configmap" "deleted" delete configmap watched
        kc "$cl: server-side apply" "serverside-applied" apply --server-side -f "$FIX/k8s/vcloud-ccm-configmap.yaml"
        kc "$cl: create deployment" "deployment.apps/web created" create deployment web --image=nginx:1.27 --port=80 --replicas=2
        kc "$cl: expose as LoadBalancer" "service/web exposed" expose deployment web --port=80 --target-port=8080 --type=LoadBalancer
        kc "$cl: service pending an external IP" "web *LoadBalancer.*<pending> *80:3[0-9][0-9][0-9][0-9]/TCP" get service web
        # The cluster's own controllers: system pods, a Deployment rolled out, scaled, deleted.
        kc "$cl: kube-system pods Running" "kube-system *etcd-$cl-control-plane *1/1 *Running" get pod -A
        kc "$cl: coredns Running" "kube-system *coredns-[a-z0-9]*-[a-z0-9]* *1/1 *Running" get pod -A
        kc "$cl: create deployment (3 replicas)" "deployment.apps/test-lb created" create deployment test-lb --image=containous/whoami --replicas=3
        kc "$cl: rollout status" "successfully rolled out" rollout status deployment/test-lb --timeout=30s
        kc "$cl: available replicas" "^3$" get deploy test-lb -o jsonpath='{.status.availableReplicas}'
        kpoll "$cl: three pods Running" "^3$" sh -c "${KC[*]} get pods -l app=test-lb --no-headers | grep -c ' Running '"
        kc "$cl: scale deployment to 1" "scaled" scale deployment test-lb --replicas=1
        kpoll "$cl: one pod left" "^1$" sh -c "${KC[*]} get pods -l app=test-lb --no-headers | grep -c ' Running '"
        kc "$cl: delete deployment" "deleted" delete deployment test-lb
        kpoll "$cl: its pods are gone" "No resources found" sh -c "${KC[*]} get pods -l app=test-lb 2>&1"
        kc "$cl: create configmap" "configmap/literal created" create configmap literal --from-literal=a=b
        kc "$cl: create secret (data base64)" '{"a":"Yg=="}' create secret generic pw --from-literal=a=b --dry-run=server -o jsonpath='{.data}'
        kc "$cl: delete created objects" "deleted" delete deployment/web service/web configmap/literal
        kc "$cl: delete quickstart objects" "deleted" delete -f "$WORK/objects.yaml"
        kc "$cl: delete cloud provider manifest" "deployment.apps \"vmware-cloud-director-ccm\" deleted" delete -f "$FIX/k8s/cloud-director-ccm.yaml"
        local o
        o=$("${KC[@]}" get deployment vmware-cloud-director-ccm -n kube-system 2>&1)
        grep -q 'NotFound' <<<"$o" && ok "kubectl: $cl: deleted deployment is NotFound" || notok "kubectl: $cl: deleted deployment is NotFound" "$o"
        o=$("${KC[@]}" --token wrong get namespaces 2>&1)
        grep -qi 'Unauthorized\|provide credentials' <<<"$o" && ok "kubectl: $cl: wrong token refused" || notok "kubectl: $cl: wrong token refused" "$o"
    }
    # kc NAME EXPECT ARGS...: passes if kubectl exits 0 and its output contains EXPECT.
    kc() {
        local name=$1 expect=$2; shift 2
        local o; o=$("${KC[@]}" "$@" 2>&1)
        if [ $? -eq 0 ] && grep -q -- "$expect" <<<"$o"; then ok "kubectl: $name"; else notok "kubectl: $name" "$(tr '\n' ' ' <<<"$o" | cut -c1-400)"; fi
    }
    # kcw NAME EXPECT ARGS...: kc for a command that watches, bounded by `timeout 40`.
    kcw() {
        local name=$1 expect=$2; shift 2
        local o; o=$(timeout 40 "${KC[@]}" "$@" 2>&1)
        if [ $? -eq 0 ] && grep -q -- "$expect" <<<"$o"; then ok "kubectl: $name"; else notok "kubectl: $name" "$(tr '\n' ' ' <<<"$o" | cut -c1-400)"; fi
    }
    # kpoll NAME EXPECT CMD...: runs CMD (each kubectl call lets the controllers take a step)
    # until its output matches EXPECT, at most 30 times.
    kpoll() {
        local name=$1 expect=$2; shift 2
        local o
        for _ in $(seq 1 30); do
            o=$("$@" 2>&1)
            if grep -q -- "$expect" <<<"$o"; then ok "kubectl: $name"; return; fi
            sleep 0.2
        done
        notok "kubectl: $name" "$(tr '\n' ' ' <<<"$o" | cut -c1-400)"
    }
    kubectl_suite mgmt v1.29.2
    kubectl_suite work v1.32.0
else
    skip "kubectl checks (clusters mgmt v1.29.2 and work v1.32.0)" "$KUBECTL_SKIP"
fi

# The token never reaches the server's output.
cat "$WORK/serve.log" "$WORK/serve-tls.log" 2>/dev/null | grep -qF "$TOKEN" && notok "token not in server output" || ok "token not in server output"
finish
