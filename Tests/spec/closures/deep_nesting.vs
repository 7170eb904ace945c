fn outer() {
    var a = 1
    fn middle() {
        var b = 10
        fn inner() {
            a += 1
            b += 1
            return a + b
        }
        return inner
    }
    let f = middle()
    f()
    return [f(), a]
}
print(outer())  # expect: [15, 3]
