# vcdscript_bin [--no-build]: sets BIN to the vcdscript binary a suite tests.
# scripts/test.sh builds once and hands the binary over as VCDSCRIPT_BIN, so suites that run side
# by side (and beside `swift test`) never wait on SwiftPM's lock of .build. Run alone, a suite
# builds the binary itself (or, with --no-build, takes the one the last `swift build` left).
# Returns 1 when there is no binary to test.
vcdscript_bin() {
    if [ -n "${VCDSCRIPT_BIN:-}" ]; then
        BIN=$VCDSCRIPT_BIN
    else
        if [ "${1:-}" != --no-build ]; then
            command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
            swift build --product vcdscript >/dev/null 2>&1 || return 1
        fi
        BIN="$(swift build --show-bin-path 2>/dev/null)/vcdscript"
    fi
    [ -x "$BIN" ]
}
