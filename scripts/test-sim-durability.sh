#!/usr/bin/env bash
# kill -9 durability of `vcdscript sim serve`: a burst of NAT-rule writes over loopback, the server
# killed with SIGKILL in the middle once at least MIN_ACKED (200) writes of the round were answered
# 2xx, a restart, then three checks per round: the round reached MIN_ACKED acknowledged writes before
# the kill (within WRITE_SECONDS), SQLite's integrity check passes, and every write that was answered
# 2xx is present. Repeats ROUNDS times. Needs curl and python3.
# Prints "durability: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18643}
MIN_ACKED=${MIN_ACKED:-200}
WRITE_SECONDS=${WRITE_SECONDS:-60}
. scripts/lib/bin.sh
vcdscript_bin || { echo "build failed"; exit 1; }
WORK=$(mktemp -d)
trap 'kill -9 ${SERVER:-0} 2>/dev/null || true; rm -rf "$WORK"' EXIT
STATE="$WORK/state.sqlite"
PW=durability-pass
"$BIN" sim reset --state "$STATE" --password "$PW" >/dev/null

start() {
    "$BIN" sim serve --state "$STATE" --port "$PORT" --task-ms 0 >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/versions" >/dev/null && return 0; sleep 0.1; done
    echo "server did not start"; cat "$WORK/serve.log"; exit 1
}

start
python3 - "$PORT" "$PW" "$WORK" <<'PY'
import base64, json, sys, urllib.request
port, pw, work = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}/cloudapi/1.0.0"
def call(method, path, token=None, body=None, basic=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Accept", "application/json;version=37.2")
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    if basic: req.add_header("Authorization", "Basic " + base64.b64encode(basic.encode()).decode())
    with urllib.request.urlopen(req) as r: return r.status, r.headers, r.read()
_, h, _ = call("POST", "/sessions/provider", basic=f"administrator@System:{pw}")
tok = h["X-VMWARE-VCLOUD-ACCESS-TOKEN"]
vdc = json.loads(call("GET", "/vdcs", tok)[2])["values"][0]["id"]
ext = json.loads(call("GET", "/externalNetworks", tok)[2])["values"][0]["id"]
call("POST", "/edgeGateways", tok, {"name": "t1-durability", "ownerRef": {"id": vdc}, "edgeGatewayUplinks": [{"uplinkId": ext, "quickAddAllocatedIpCount": 2}]})
gw = json.loads(call("GET", "/edgeGateways", tok)[2])["values"][0]
ip = gw["edgeGatewayUplinks"][0]["subnets"]["values"][0]["primaryIp"]
json.dump({"token": tok, "gw": gw["id"], "ip": ip}, open(f"{work}/ctx.json", "w"))
PY

touch "$WORK/acked.txt"
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok - $1"; else failed=$((failed + 1)); echo "not ok - $1"; fi; }
for round in $(seq 1 "$ROUNDS"); do
    # Writer: POST NAT rules as fast as possible; record each name once its 202 arrived.
    python3 - "$PORT" "$WORK" "$round" <<'PY' &
import json, sys, urllib.request
port, work, rnd = sys.argv[1], sys.argv[2], sys.argv[3]
ctx = json.load(open(f"{work}/ctx.json"))
acked = open(f"{work}/acked.txt", "a")
i = 0
while True:
    name = f"snat-r{rnd}-{i}"
    req = urllib.request.Request(f"http://127.0.0.1:{port}/cloudapi/1.0.0/edgeGateways/{ctx['gw']}/nat/rules", method="POST",
        data=json.dumps({"name": name, "type": "SNAT", "externalAddresses": ctx["ip"], "internalAddresses": f"10.{i % 250}.0.0/24"}).encode())
    req.add_header("Authorization", "Bearer " + ctx["token"]); req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            if r.status == 202:
                acked.write(name + "\n"); acked.flush()
    except Exception:
        break
    i += 1
PY
    WRITER=$!
    # The kill lands once MIN_ACKED writes of this round were answered, then 0 to 0.4 s later.
    acked_round() { local c; c=$(grep -c "^snat-r$round-" "$WORK/acked.txt" 2>/dev/null); echo "${c:-0}"; }
    t_start=$SECONDS
    deadline=$((SECONDS + WRITE_SECONDS))
    while [ "$(acked_round)" -lt "$MIN_ACKED" ] && [ $SECONDS -lt $deadline ] && kill -0 "$WRITER" 2>/dev/null; do sleep 0.05; done
    sleep "0.$((RANDOM % 5))"
    kill -9 "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    wait "$WRITER" 2>/dev/null || true
    n=$(acked_round)
    check "round $round: at least $MIN_ACKED writes acknowledged before the kill ($n in about $((SECONDS - t_start)) s)" '[ "$n" -ge "$MIN_ACKED" ]'
    integrity=$("$BIN" sim status --state "$STATE" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["integrity"])')
    start
    python3 - "$PORT" "$WORK" "$round" "$integrity" >"$WORK/verify.txt" <<'PY' || true
import json, sys, urllib.request
port, work, rnd, integrity = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ctx = json.load(open(f"{work}/ctx.json"))
names, target = set(), f"/cloudapi/1.0.0/edgeGateways/{ctx['gw']}/nat/rules?pageSize=128"
while target:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{target}")
    req.add_header("Authorization", "Bearer " + ctx["token"])
    with urllib.request.urlopen(req) as r:
        names |= {v["name"] for v in json.loads(r.read())["values"]}
        link = r.headers.get("Link") or ""
    target = None
    for part in link.split(","):
        if 'rel="nextPage"' in part:
            url = part[part.index("<") + 1:part.index(">")]
            target = url[url.index("/cloudapi"):]
acked = [l.strip() for l in open(f"{work}/acked.txt") if l.strip()]
missing = [n for n in acked if n not in names]
print(f"# round {rnd}: integrity={integrity} acknowledged={len(acked)} (all rounds) present={len(names)} missing={len(missing)}")
print("integrity", "ok" if integrity == "ok" else "bad")
print("missing", len(missing), " ".join(missing[:5]))
PY
    grep '^#' "$WORK/verify.txt" || true
    check "round $round: SQLite integrity check after kill -9 ($integrity)" 'grep -qx "integrity ok" "$WORK/verify.txt"'
    check "round $round: every acknowledged write is present after the restart" 'grep -q "^missing 0 " "$WORK/verify.txt"'
done
kill "$SERVER" 2>/dev/null || true
echo "durability: $passed passed, $failed failed"
[ "$failed" = 0 ]
