#!/usr/bin/env bash
# Latency benchmark: the stdlib runbooks tenant-network.vs and lab-setup.vs over a slow link, i.e.
# against `vcdscript sim serve --faults latency:50ms` (every answer held back 50 ms), each on a
# fresh simulated world, through the real-site path (libcurl, the simulator's kind and clusterctl
# programs, `eval "$(vcdscript sim env)"`). Release build.
#
# Prints for each runbook: wall time, the client's requests (count), the critical path of
# dependent requests, and the ratio wall / critical path (target: ≤ 1.3).
#
# Critical path, precisely. The served simulator's access log (`sim serve --access-log`) gives,
# per request, the wall-clock time t its answer was ready and the server's processing time p; the
# answer then leaves after the injected latency L. So request i occupied [s_i, e_i] with
# s_i = t_i - p_i and e_i = t_i + L, and it cannot have taken less than w_i = p_i + L.
# A chain is a sequence of requests each of which started only after the previous one was
# answered (s_next ≥ e_prev): such requests were sent one after the other, as dependent requests
# are. The critical path is
#     max over chains of Σ w_i   (the heaviest chain: weighted interval scheduling)
#   + the client's CPU time      (user + system of vcdscript and the programs it ran: kind, clusterctl).
# It is what the run would take with every independent request overlapped and no wait beyond the
# answers: a lower bound of the wall time for the requests this run sent. Wall above it is time
# spent neither computing nor waiting for an answer (sleeps between polls, idle waits). Requests
# of the simulated controllers (CAPVCD, the cloud provider), which run inside the simulator, are
# not the client's and are left out (counted apart). The ratio can come out below 1 when the
# client's CPU time overlaps its own waits (parallel workers); it cannot flatter a sequential run.
#
# Usage: scripts/bench-latency.sh [--json] [--debug]
#   --json: the figures as JSON on stdout (the rest on stderr); --debug: the debug build (faster to
#   build, more client CPU). LATENCY (default 50ms), TASK_MS (sim serve --task-ms, default 20),
#   PORT (default 19443; uses PORT..PORT+3). CLIENT=/path/to/vcdscript runs the runbooks with
#   that binary (an older build, for a before/after comparison; with VCDSCRIPT_STDLIB=its stdlib/);
#   the simulator is always this tree's. KEEP=DIR keeps the access logs and outputs there.
#   Not part of CI (it times things).
set -euo pipefail
cd "$(dirname "$0")/.."
json=0; config=release
for a in "$@"; do
    case "$a" in
        --json) json=1 ;;
        --debug) config=debug ;;
        *) echo "usage: scripts/bench-latency.sh [--json] [--debug]" >&2; exit 2 ;;
    esac
done
[ "$json" = 1 ] && exec 3>&1 1>&2
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
LATENCY=${LATENCY:-50ms}
TASK_MS=${TASK_MS:-20}
PORT=${PORT:-19443}
if [ -n "${VCDSCRIPT_BIN:-}" ]; then
    BIN=$VCDSCRIPT_BIN   # a binary built elsewhere (with --scratch-path: set VCDSCRIPT_STDLIB=stdlib too)
else
    static=(); [ "$config" = release ] && static=(--static-swift-stdlib)
    swift build -c "$config" "${static[@]}" --product vcdscript >/dev/null 2>&1 || { echo "bench-latency: $config build failed"; exit 1; }
    BIN="$(swift build -c "$config" "${static[@]}" --show-bin-path)/vcdscript"
fi
CLIENT=${CLIENT:-$BIN}
ROOT=$PWD
WORK=$(mktemp -d)
SIM=""
# KEEP=DIR: the access logs and the runbooks' output are copied there (to see where the time goes).
trap '[ -n "$SIM" ] && kill "$SIM" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$WORK"/*.access.log "$WORK"/*.out "$KEEP"/ 2>/dev/null; rm -rf "$WORK"' EXIT
latency_s=$(python3 -c 'import sys; v=sys.argv[1]; print(float(v[:-2])/1000 if v.endswith("ms") else float(v.rstrip("s")))' "$LATENCY")

# run_book NAME: a fresh world served with latency, the runbook run once; writes $WORK/NAME.json.
run_book() {
    local name=$1 home="$WORK/$1"
    mkdir -p "$home/run"
    export HOME="$home" VCDSCRIPT_HOME="$home/vcdscript"
    local state="$VCDSCRIPT_HOME/sim/state.sqlite"
    "$BIN" sim reset --state "$state" >/dev/null
    "$BIN" sim serve --state "$state" --port "$PORT" --task-ms "$TASK_MS" --faults "latency:$LATENCY" \
        --access-log "$WORK/$name.access.log" >"$WORK/$name.serve.log" 2>&1 &
    SIM=$!
    for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/versions" && break; sleep 0.1; done
    (
        eval "$("$BIN" sim env)"
        cd "$home/run"
        # Wall and CPU of the run (vcdscript and every program it waited for) from the parent's view.
        python3 - "$CLIENT" "$name.vs" "$WORK/$name.run.json" "$WORK/$name.out" <<'PY'
import json, os, resource, subprocess, sys, time
binary, book, out, log = sys.argv[1:5]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic(); start = time.time()
with open(log, "w") as f:
    rc = subprocess.call([binary, book], stdout=f, stderr=subprocess.STDOUT)
wall = time.monotonic() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
json.dump({"rc": rc, "wall": wall, "cpu": cpu, "start": start, "end": start + wall}, open(out, "w"))
PY
    )
    kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null || true; SIM=""
    local rc
    rc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rc"])' "$WORK/$name.run.json")
    if [ "$rc" != 0 ]; then echo "bench-latency: $name.vs exited $rc:"; tail -20 "$WORK/$name.out"; exit 1; fi
}

# analyse NAME: the figures of one run from its access log and its wall/CPU.
analyse() {
    python3 - "$1" "$WORK/$1.access.log" "$WORK/$1.run.json" "$latency_s" <<'PY'
import bisect, datetime, json, sys
name, logfile, runfile, L = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
run = json.load(open(runfile))
controllers = ("cluster-api-provider-cloud-director", "cloud-provider-for-cloud-director")
reqs, internal = [], 0
for line in open(logfile):
    parts = line.rstrip("\n").split(" ", 8)   # time service method path status minor ms user "agent"
    t = datetime.datetime.fromisoformat(parts[0].replace("Z", "+00:00")).timestamp()
    if t < run["start"] - 0.01 or t > run["end"] + 0.01:
        continue  # the readiness probe before the run
    agent = parts[8].strip().strip('"') if len(parts) > 8 else "-"
    if agent.startswith(controllers):
        internal += 1
        continue
    p = int(parts[6]) / 1000
    reqs.append((t - p, t + L, p + L))
# Heaviest chain of non-overlapping requests (s_next >= e_prev): weighted interval scheduling.
reqs.sort(key=lambda r: r[1])
ends = [r[1] for r in reqs]
best = [0.0] * (len(reqs) + 1)
count = [0] * (len(reqs) + 1)
for i, (s, e, w) in enumerate(reqs):
    j = bisect.bisect_right(ends, s + 1e-9, 0, i)   # requests answered by the time this one started
    take, skip = best[j] + w, best[i]
    best[i + 1], count[i + 1] = (take, count[j] + 1) if take > skip else (skip, count[i])
chain = best[-1]
critical = chain + run["cpu"]
print(json.dumps({"runbook": name + ".vs", "wall": round(run["wall"], 3), "requests": len(reqs),
                  "controllerRequests": internal, "chainRequests": count[-1], "chainSeconds": round(chain, 3),
                  "cpu": round(run["cpu"], 3), "criticalPath": round(critical, 3),
                  "ratio": round(run["wall"] / critical, 2) if critical > 0 else None}))
PY
}

echo "bench-latency: $CLIENT, sim serve --faults latency:$LATENCY --task-ms $TASK_MS"
results=()
for book in tenant-network lab-setup; do
    run_book "$book"
    results+=("$(analyse "$book")")
done
printf '%s\n' "${results[@]}" | python3 -c "$(cat <<'PY'
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(f"{'runbook':<20}{'wall':>8}{'requests':>10}{'chain':>8}{'chain s':>9}{'cpu':>8}{'critical':>10}{'ratio':>7}")
for r in rows:
    print(f"{r['runbook']:<20}{r['wall']:>7.2f}s{r['requests']:>10}{r['chainRequests']:>8}{r['chainSeconds']:>8.2f}s{r['cpu']:>7.2f}s{r['criticalPath']:>9.2f}s{r['ratio']:>7.2f}")
print("chain: the dependent requests on the critical path; critical = chain s + cpu; ratio = wall / critical (target <= 1.3)")
print("controller requests (inside the simulator, not counted): " + ", ".join(f"{r['runbook']} {r['controllerRequests']}" for r in rows))
PY
)"
if [ "$json" = 1 ]; then printf '%s\n' "${results[@]}" | python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin if l.strip()], indent=2))' >&3; fi
