fn firstEven(xs) {
    for x in xs {
        if x % 2 == 0 { return x }
    }
    return nil
}
print(firstEven([1, 3, 4, 6]), firstEven([1]))  # expect: 4 nil
fn whileReturn() {
    var i = 0
    while true {
        i += 1
        if i == 5 { return i * 100 }
    }
}
print(whileReturn())  # expect: 500
