var n = 10
n += 5; print(n)  # expect: 15
n -= 3; print(n)  # expect: 12
n *= 2; print(n)  # expect: 24
n /= 5; print(n)  # expect: 4
n %= 3; print(n)  # expect: 1
var s = "a"
s += "b"
print(s)  # expect: ab
let xs = [1, 2]
xs[0] += 10
print(xs)  # expect: [11, 2]
let m = {count: 1}
m.count += 1
m["count"] *= 10
print(m)  # expect: {count: 20}
