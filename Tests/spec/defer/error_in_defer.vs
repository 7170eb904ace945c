fn f() {
    defer { throw error("DEFER", "cleanup failed") }
    return 1
}
try { f() } catch e { print(e.code) }  # expect: DEFER
