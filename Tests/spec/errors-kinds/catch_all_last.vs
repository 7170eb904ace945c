# A catch without codes takes everything else, including errors that have no code.
for f in [fn() { throw error("BUSY", "busy") }, fn() { [1][3] }, fn() { throw "plain" }] {
    try { f() } catch BUSY { print("busy") } catch err { print("other", err.kind) }
}
# expect: busy
# expect: other index
# expect: other thrown
