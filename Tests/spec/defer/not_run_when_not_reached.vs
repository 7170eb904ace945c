fn f(early) {
    if early { return "early" }
    defer { print("registered late") }
    return "late"
}
print(f(true))  # expect: early
print(f(false))
# expect: registered late
# expect: late
