fn check(gw) {
    if gw == nil { throw error("NO_GATEWAY", "no edge gateway named gw-capvc") }
}
check(nil)
# expect error: error: no edge gateway named gw-capvc (NO_GATEWAY)
# expect error: --> Tests/spec/errors/uncaught_throw_with_code.vs:2:20
# expect error: traceback (most recent call last):
# expect error: Tests/spec/errors/uncaught_throw_with_code.vs:4:1 in <script>
# expect error: in check
# expect exit: 1
