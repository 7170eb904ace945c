fn make(p) {
    let get = fn() { p }
    p = p * 2
    return get
}
print(make(21)())  # expect: 42
