fn fails() {
    defer { print("deferred ran") }
    throw error("E", "boom")
}
try { fails() } catch e { print("caught", e.code) }
# expect: deferred ran
# expect: caught E
