fn run() {
    fn walk(n) { if n == 0 { 0 } else { 1 + walk(n - 1) } }
    return walk(5)
}
print(run())  # expect: 5
