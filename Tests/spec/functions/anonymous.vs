let double = fn(x) { x * 2 }
print(double(4))  # expect: 8
print((fn(a, b) { a - b })(5, 3))  # expect: 2
print(fn() { 1 })  # expect: <fn anonymous>
let apply = fn(f, x) { f(x) }
print(apply(double, 21))  # expect: 42
