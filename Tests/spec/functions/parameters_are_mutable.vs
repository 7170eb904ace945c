fn count(n) {
    var steps = 0
    while n > 0 { n -= 1; steps += 1 }
    steps
}
print(count(4))  # expect: 4
