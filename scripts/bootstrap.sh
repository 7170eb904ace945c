#!/usr/bin/env bash
# Installs what vcdscript needs on a Debian machine (system packages through apt), then builds.
# Usage: scripts/bootstrap.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libedit-dev libcurl4-openssl-dev libsqlite3-dev libxml2-dev pkg-config tmux python3 python3-venv openssl bc)
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

if [ "${1:-}" = "--release" ]; then
    swift build -c release
    echo "built: $(swift build -c release --show-bin-path)/vcdscript"
else
    swift build
    echo "built: $(swift build --show-bin-path)/vcdscript"
fi
