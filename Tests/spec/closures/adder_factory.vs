fn adder(k) { fn(x) { x + k } }
let add5 = adder(5)
print(add5(1), adder(10)(1))  # expect: 6 11
print([1, 2].map(adder(100)))  # expect: [101, 102]
