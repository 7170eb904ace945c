# Calls by name of top-level functions take a lean path; every shape must behave as any call.
fn zero() { 0 }
fn one(a) { a + 1 }
fn two(a, b) { a * 10 + b }
print(zero(), one(1), two(3, 4))  # expect: 0 2 34
# A failing second argument leaves the stack as it was: later calls see their own arguments.
var caught = ""
try { two(1, 1 / 0) } catch e { caught = e.kind }
print(caught, two(5, 6))  # expect: arithmetic 56
# Defaults, named arguments and too few arguments fall back to the general call.
fn withDefault(a, b = 7) { a + b }
print(withDefault(1), withDefault(1, 2), two(b: 1, a: 2))  # expect: 8 3 21
# A function with a defer or a captured parameter takes the full path.
var log = []
fn deferred(x) { defer { log.append("done ${x}") }; x * 2 }
print(deferred(21), log)  # expect: 42 ["done 21"]
fn counter(start) { fn() { start += 1; start } }
let next = counter(10)
next()
print(next())  # expect: 12
# Arguments are evaluated before the call, left to right, each with its own calls inside.
print(two(one(one(0)), one(two(0, 0))))  # expect: 21
# Deep recursion through the lean path still ends in a script error with a traceback.
fn down(n) { down(n + 1) }
down(0)
# expect error: recursion is too deep
