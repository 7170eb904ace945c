# A defer inside a loop body runs when the function ends, not at the end of the iteration.
fn f() {
    var order = []
    for i in 0..<3 {
        defer { print("deferred") }
    }
    print("loop done")
}
f()
# expect: loop done
# expect: deferred
# expect: deferred
# expect: deferred
