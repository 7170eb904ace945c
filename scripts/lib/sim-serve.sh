# Sourced by the scripts/test-*.sh suites that need a served simulator.
# start_sim SCHEME STATE PORT LOG [EXTRA ARGS...]: starts `vcdscript sim serve` (HTTPS when SCHEME is
# https) in the background, sets SIM_PID, and waits until it is ready (its endpoints printed) and VCD
# answers on 127.0.0.1:PORT (up to 30 s).
# Returns non-zero, with the server's log on stdout, if it does not come up. stop_sim stops it.
# Needs BIN (the vcdscript binary).
SIM_PID=""

start_sim() {
    local scheme=$1 state=$2 port=$3 log=$4
    shift 4
    local tlsflag=()
    [ "$scheme" = https ] && tlsflag=(--tls)
    mkdir -p "$(dirname "$state")"
    "$BIN" sim serve --state "$state" --port "$port" --task-ms 0 "${tlsflag[@]}" "$@" >"$log" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 1 300); do
        # Ready once it printed its endpoints (every listener bound, endpoints recorded for
        # `sim status` / `sim env`) and VCD answers.
        if grep -q '^state: ' "$log" 2>/dev/null && curl -sk -o /dev/null "$scheme://127.0.0.1:$port/api/versions"; then return 0; fi
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "sim serve did not start on $scheme://127.0.0.1:$port:"
    cat "$log"
    return 1
}

stop_sim() {
    if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
    SIM_PID=""
}
