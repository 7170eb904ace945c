# Recursive calls: fib(30) makes 2.7 million calls.
fn fib(n) {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
print(fib(30))
