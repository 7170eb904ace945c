# A defer registered inside a try block still runs when the function ends, even when the
# block threw.
fn f() {
    try {
        defer { print("deferred in try") }
        throw "x"
    } catch e {
        print("caught")
    }
    print("after")
}
f()
# expect: caught
# expect: after
# expect: deferred in try
