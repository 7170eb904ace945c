fn f() {
    var x = 1
    defer { x = 100 }
    return x
}
print(f())  # expect: 1
