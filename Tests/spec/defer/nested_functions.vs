fn inner() { defer { print("inner deferred") }; print("inner body") }
fn outer() {
    defer { print("outer deferred") }
    inner()
    print("outer body")
}
outer()
# expect: inner body
# expect: inner deferred
# expect: outer body
# expect: outer deferred
