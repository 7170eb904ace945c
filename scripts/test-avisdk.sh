#!/usr/bin/env bash
# The simulated NSX ALB controller against the real Avi Python SDK (avisdk 32.1.4 from PyPI, in a venv
# under .build/avisdk-venv, scripts/lib/venvs.sh): log in with ApiSession, then create, read, update and delete a service
# engine group with max_se (PUT and PATCH); over HTTP, then over HTTPS (`sim serve --tls`, the SDK verifying the
# simulator's certificate as its CA file). Prints "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
PORT=${PORT:-18743}
ROOT=$PWD
. scripts/lib/venvs.sh
VENV=$AVISDK_VENV
ensure_avisdk_venv || { echo "pip install ${AVISDK_VENV_PACKAGES[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; exit 1; }
WORK=$(mktemp -d)
. scripts/lib/sim-serve.sh
trap 'stop_sim; rm -rf "$WORK"' EXIT
# The SDK's later calls would honour these CA bundles over Session.verify (external-clients.md §3.1).
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
total_passed=0
total_failed=0
for scheme in http https; do
    echo "# --- $scheme"
    STATE="$WORK/$scheme/state.sqlite"
    mkdir -p "$WORK/$scheme"
    port=$PORT
    [ "$scheme" = https ] && port=$((PORT + 10))
    start_sim "$scheme" "$STATE" "$port" "$WORK/serve.log" || exit 1
    STATUS=$("$BIN" sim status -o json --state "$STATE" --port "$port")
    ALB=$(printf '%s' "$STATUS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["endpoints"]["alb"])')
    # The controller's own account, as `sim status` lists it (service "alb"): admin, avisdk's default.
    ALB_USER=$(printf '%s' "$STATUS" | python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["personas"] if p.get("service") == "alb"][0]["user"])')
    PW=$(printf '%s' "$STATUS" | python3 -c 'import json,sys; print([p for p in json.load(sys.stdin)["personas"] if p.get("service") == "alb"][0]["password"])')
    VERIFY=false
    if [ "$scheme" = https ]; then
        VERIFY=$(printf '%s' "$STATUS" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("certificate", "missing"))')
        case "$ALB" in https://*) ;; *) echo "sim status shows $ALB for --tls"; total_failed=$((total_failed + 1)) ;; esac
    fi
    "$VENV/bin/python" - "$ALB" "$PW" "$VERIFY" "$ALB_USER" <<'PY' | tee "$WORK/$scheme.out" || true
import sys
from avi.sdk.avi_api import ApiSession
url, pw, user = sys.argv[1], sys.argv[2], sys.argv[4]
# "false" skips verification (HTTP); else the CA file to verify the simulator's certificate with.
verify = False if sys.argv[3] == "false" else sys.argv[3]
passed = failed = 0
def check(what, cond):
    global passed, failed
    if cond: passed += 1
    else:
        failed += 1
        print("FAIL:", what)
try:
    check("the ALB persona is admin (%s)" % user, user == "admin")
    api = ApiSession.get_session(url, user, pw, tenant="admin", api_version="22.1.3", verify=verify)
    check("login", True)
    # The provider persona's name keeps working beside admin (same password).
    alias = ApiSession.get_session(url, "administrator", pw, tenant="admin", api_version="22.1.3", verify=verify)
    check("login as administrator", len(alias.get("cloud").json()["results"]) == 1)
    cloud = api.get("cloud").json()["results"][0]
    check("cloud listed", cloud.get("vtype") == "CLOUD_NSXT")
    r = api.post("serviceenginegroup", data={"name": "seg-avisdk", "max_se": 3, "cloud_ref": cloud["url"]})
    check("create status %s" % r.status_code, r.status_code in (200, 201))
    seg = api.get_object_by_name("serviceenginegroup", "seg-avisdk")
    check("read by name", seg is not None and seg.get("max_se") == 3)
    uuid = seg["uuid"]
    check("url", seg["url"].endswith("/api/serviceenginegroup/" + uuid))
    seg["max_se"] = 5
    r = api.put("serviceenginegroup/" + uuid, data=seg)
    check("update status %s" % r.status_code, r.status_code == 200)
    check("read back max_se", api.get("serviceenginegroup/" + uuid).json().get("max_se") == 5)
    r = api.patch("serviceenginegroup/" + uuid, data={"replace": {"max_se": 7}})
    check("patch status %s" % r.status_code, r.status_code == 200 and r.json().get("max_se") == 7)
    check("read back patched max_se", api.get("serviceenginegroup/" + uuid).json().get("max_se") == 7)
    names = [o["name"] for o in api.get_objects_iter("serviceenginegroup", params={"page_size": 2})]
    check("paged iteration %s" % names, "seg-avisdk" in names and len(names) == 3)
    r = api.delete_by_name("serviceenginegroup", "seg-avisdk")
    check("delete status %s" % r.status_code, r.status_code == 204)
    check("gone", api.get_object_by_name("serviceenginegroup", "seg-avisdk") is None)
except Exception as e:
    failed += 1
    print("FAIL: exception", type(e).__name__, e)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/$scheme.out" | tail -1 || true)
    if [ -n "$line" ]; then
        total_passed=$((total_passed + ${line%% passed*}))
        f=${line##*passed, }; total_failed=$((total_failed + ${f%% failed}))
    else
        total_failed=$((total_failed + 1))
    fi
    stop_sim
done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
