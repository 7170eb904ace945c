fn counter() {
    var n = 0
    return fn() { n += 1; n }
}
let c1 = counter()
let c2 = counter()
print(c1(), c1(), c1(), c2())  # expect: 1 2 3 1
