fn kindOf(f) {
    try { f() } catch e { return e.kind }
    return "none"
}
print(kindOf(fn() { [1][5] }))  # expect: index
print(kindOf(fn() { {a: 1}.b }))  # expect: key
print(kindOf(fn() { 1 + "a" }))  # expect: type
print(kindOf(fn() { int("x") }))  # expect: value
print(kindOf(fn() { 9223372036854775807 + 1 }))  # expect: arithmetic
print(kindOf(fn() { assert(false) }))  # expect: assertion
print(kindOf(fn() { throw "x" }))  # expect: thrown
print(kindOf(fn() { len(1, 2) }))  # expect: argument
print(kindOf(fn() { 5.foo }))  # expect: name
print(kindOf(fn() { 1 }))  # expect: none
