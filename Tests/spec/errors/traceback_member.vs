fn a() { b() }
fn b() { throw "deep" }
try {
    a()
} catch e {
    print(len(e.traceback) >= 2)  # expect: true
    print(e.traceback[-1].endsWith("in b"))  # expect: true
}
