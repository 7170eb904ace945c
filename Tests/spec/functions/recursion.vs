fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
print(fib(20))  # expect: 6765
fn fact(n) { if n <= 1 { return 1 }; return n * fact(n - 1) }
print(fact(20))  # expect: 2432902008176640000
fn isEven(n) { if n == 0 { true } else { isOdd(n - 1) } }
fn isOdd(n) { if n == 0 { false } else { isEven(n - 1) } }
print(isEven(100))  # expect: true
