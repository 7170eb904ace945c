for v in [nil, false, 0, 0.0, "", [], {}, 0s, 0..<0] {
    print(bool(v))
}
for v in [true, 1, -1, 0.5, "x", [0], {a: nil}, 1ms, 0..<1] {
    print(bool(v))
}
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: false
# expect: true
# expect: true
# expect: true
# expect: true
# expect: true
# expect: true
# expect: true
# expect: true
# expect: true
