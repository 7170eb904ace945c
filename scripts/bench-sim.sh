#!/usr/bin/env bash
# Simulator throughput: `wrk` against GET /cloudapi/1.0.0/edgeGateways on loopback, side by side with
# nginx serving the same body as a static file, and the ratio; then 10,000 NAT rules on one gateway
# and the time to page through all of them (cursor paging, pageSize 128). Release build.
# Fails (exit 1) when any answer is not 2xx: the listed body is checked with curl first, wrk's
# responses of status 400 and above (its "Non-2xx or 3xx responses") must be none, each NAT rule's
# POST must be answered 202 (no retry) and each page 200.
# Usage: scripts/bench-sim.sh [--json]   (--json: the figures as JSON on stdout, the rest on stderr)
# Environment: DURATION (wrk, default 10s), NAT_RULES (default 10000), VCDSCRIPT_BIN (a vcdscript
# binary to serve instead of building the release one), VCDSCRIPT_SIM_EVENT_LOOPS=1 (sim serve
# runs its tasks on its event loops instead of Swift's executor, to compare).
# Needs wrk and nginx (scripts/bootstrap.sh --bench installs them). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
json=0
for a in "$@"; do
    case "$a" in --json) json=1 ;; *) echo "usage: scripts/bench-sim.sh [--json]" >&2; exit 2 ;; esac
done
[ "$json" = 1 ] && exec 3>&1 1>&2
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
for tool in wrk nginx; do
    command -v $tool >/dev/null 2>&1 || { echo "bench-sim: $tool is not installed (scripts/bootstrap.sh --bench installs it)"; exit 1; }
done
PORT=${PORT:-18743}
NGINX_PORT=$((PORT + 10))
DURATION=${DURATION:-10s}
NAT_RULES=${NAT_RULES:-10000}
if [ -n "${VCDSCRIPT_BIN:-}" ]; then
    BIN="$VCDSCRIPT_BIN"   # a binary built elsewhere (e.g. a debug build, to compare two settings quickly)
else
    swift build -c release --static-swift-stdlib --product vcdscript >/dev/null 2>&1 || { echo "release build failed"; exit 1; }
    BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/vcdscript"
fi
WORK=$(mktemp -d)
trap 'kill ${SERVER:-0} 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; rm -rf "$WORK"' EXIT
STATE="$WORK/state.sqlite"
"$BIN" sim reset --state "$STATE" --password bench-pass >/dev/null
"$BIN" sim serve --state "$STATE" --port "$PORT" --task-ms 0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/versions" >/dev/null && break; sleep 0.1; done
# Say which executor runs the server's tasks: session 8's release figures ran on Swift's, unnoticed.
if [ -z "${VCDSCRIPT_SIM_EVENT_LOOPS:-}" ] || [ "${VCDSCRIPT_SIM_EVENT_LOOPS}" = 0 ]; then echo "executor: Swift's (the default)"
elif grep -q "Swift's executor" "$WORK/serve.log"; then echo "executor: Swift's (the event loops could not take over)"
else echo "executor: the event loops (VCDSCRIPT_SIM_EVENT_LOOPS)"; fi

# A tenant token and one edge gateway to list.
python3 - "$PORT" "$WORK" <<'PY'
import base64, json, sys, urllib.request
port, work = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/cloudapi/1.0.0"
def call(method, path, token=None, body=None, basic=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Accept", "application/json;version=37.2"); req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    if basic: req.add_header("Authorization", "Basic " + base64.b64encode(basic.encode()).decode())
    with urllib.request.urlopen(req) as r: return r.status, r.headers, r.read()
prov = call("POST", "/sessions/provider", basic="administrator@System:bench-pass")[1]["X-VMWARE-VCLOUD-ACCESS-TOKEN"]
ten = call("POST", "/sessions", basic="administrator@xav_lab:bench-pass")[1]["X-VMWARE-VCLOUD-ACCESS-TOKEN"]
vdc = json.loads(call("GET", "/vdcs", prov)[2])["values"][0]["id"]
ext = json.loads(call("GET", "/externalNetworks", prov)[2])["values"][0]["id"]
call("POST", "/edgeGateways", prov, {"name": "t1-bench", "ownerRef": {"id": vdc}, "edgeGatewayUplinks": [{"uplinkId": ext, "quickAddAllocatedIpCount": 4}]})
gw = json.loads(call("GET", "/edgeGateways", ten)[2])["values"][0]
open(f"{work}/token", "w").write(ten)
open(f"{work}/gw", "w").write(gw["id"])
open(f"{work}/ip", "w").write(gw["edgeGatewayUplinks"][0]["subnets"]["values"][0]["primaryIp"])
PY
TOKEN=$(cat "$WORK/token")
mkdir -p "$WORK/www/cloudapi/1.0.0"
code=$(curl -s -o "$WORK/www/cloudapi/1.0.0/edgeGateways" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H "Accept: application/json;version=37.2" "http://127.0.0.1:$PORT/cloudapi/1.0.0/edgeGateways")
[ "$code" = 200 ] || { echo "bench-sim: FAILED: GET edgeGateways answered $code"; exit 1; }
echo "body: $(wc -c <"$WORK/www/cloudapi/1.0.0/edgeGateways") bytes"

cat >"$WORK/nginx.conf" <<NGX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/json;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
NGX
mkdir -p "$WORK/tmp"
chmod -R a+rX "$WORK"  # nginx workers run as an unprivileged user
nginx -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/cloudapi/1.0.0/edgeGateways")
[ "$code" = 200 ] || { echo "bench-sim: FAILED: nginx answered $code"; exit 1; }

rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx or 3xx responses/ {print $NF; f=1} END {if (!f) print 0}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
echo "== wrk -t2 -c32 -d$DURATION (2 cores shared by wrk and the server)"
SIM=$(wrk -t2 -c32 -d"$DURATION" -H "Authorization: Bearer $TOKEN" -H "Accept: application/json;version=37.2" \
      "http://127.0.0.1:$PORT/cloudapi/1.0.0/edgeGateways" | tee "$WORK/wrk-sim.txt" | rps)
NGX=$(wrk -t2 -c32 -d"$DURATION" "http://127.0.0.1:$NGINX_PORT/cloudapi/1.0.0/edgeGateways" | tee "$WORK/wrk-nginx.txt" | rps)
grep -E "Latency|Non-2xx" "$WORK/wrk-sim.txt" | sed 's/^/sim:   /' || true
grep -E "Latency|Non-2xx" "$WORK/wrk-nginx.txt" | sed 's/^/nginx: /' || true
echo "simulator: $SIM req/s"
echo "nginx:     $NGX req/s"
python3 -c "print(f'ratio simulator/nginx: {float(\"$SIM\")/float(\"$NGX\"):.2f}')"
SIM_BAD=$(non2xx "$WORK/wrk-sim.txt"); NGX_BAD=$(non2xx "$WORK/wrk-nginx.txt")
if [ "$SIM_BAD" != 0 ] || [ "$NGX_BAD" != 0 ]; then
    echo "bench-sim: FAILED: answers of status 400 or above: simulator $SIM_BAD, nginx $NGX_BAD"; exit 1
fi

echo "== $NAT_RULES NAT rules on one gateway"
python3 - "$PORT" "$WORK" "$NAT_RULES" <<'PY'
import http.client, json, sys, time
def fail(m): sys.exit("bench-sim: FAILED: " + m)
port, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tok, gw, ip = (open(f"{work}/{f}").read() for f in ("token", "gw", "ip"))
conn = http.client.HTTPConnection("127.0.0.1", int(port))
hdr = {"Authorization": "Bearer " + tok, "Content-Type": "application/json", "Accept": "application/json;version=37.2"}
t0 = time.time()
for i in range(n):
    body = json.dumps({"name": f"snat-{i}", "type": "SNAT", "externalAddresses": ip, "internalAddresses": f"10.{i // 256 % 256}.{i % 256}.0/24"})
    conn.request("POST", f"/cloudapi/1.0.0/edgeGateways/{gw}/nat/rules", body, hdr)
    r = conn.getresponse(); r.read()
    if r.status != 202:
        fail(f"rule {i}: HTTP {r.status}")
t1 = time.time()
create_s = t1 - t0
print(f"created {n} rules in {t1 - t0:.1f} s ({n / (t1 - t0):.0f} rules/s, each a task + a commit)")
seen, pages, target = 0, 0, f"/cloudapi/1.0.0/edgeGateways/{gw}/nat/rules?pageSize=128"
t0 = time.time()
while target:
    conn.request("GET", target, headers=hdr)
    r = conn.getresponse(); body = r.read()
    if r.status != 200:
        fail(f"page {pages + 1}: HTTP {r.status}")
    seen += len(json.loads(body)["values"]); pages += 1
    target = None
    for part in (r.getheader("Link") or "").split(","):
        if 'rel="nextPage"' in part:
            url = part[part.index("<") + 1:part.index(">")]; target = url[url.index("/cloudapi"):]
t1 = time.time()
print(f"paged through {seen} rules in {pages} pages of 128: {t1 - t0:.2f} s")
if seen != n:
    fail(f"paged through {seen} rules, {n} were created")
json.dump({"rules": n, "create_seconds": create_s, "rules_per_second": n / create_s, "pages": pages, "page_seconds": t1 - t0},
          open(f"{work}/nat.json", "w"))
PY
if [ "$json" = 1 ]; then
    python3 - "$WORK" "$SIM" "$NGX" "$DURATION" "$(requests "$WORK/wrk-sim.txt")" "$(requests "$WORK/wrk-nginx.txt")" >&3 <<'PY'
import json, os, sys
work, sim, ngx, duration, sim_n, ngx_n = sys.argv[1:7]
print(json.dumps({"wrk": {"threads": 2, "connections": 32, "duration": duration, "cores": os.cpu_count(),
                          "simulator": {"requests_per_second": float(sim), "requests": int(sim_n), "non_2xx": 0},
                          "nginx": {"requests_per_second": float(ngx), "requests": int(ngx_n), "non_2xx": 0},
                          "ratio_simulator_nginx": float(sim) / float(ngx)},
                  "nat_rules": json.load(open(f"{work}/nat.json"))}, indent=1))
PY
fi
