let a = {n: 1}
let b = a
b.n = 2
print(a.n)  # expect: 2
let c = map(a)
c.n = 3
print(a.n, c.n)  # expect: 2 3
