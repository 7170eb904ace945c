let a = [1, 2]
let b = a
b.append(3)
print(a)  # expect: [1, 2, 3]
fn grow(xs) { xs.append(4) }
grow(a)
print(b)  # expect: [1, 2, 3, 4]
let c = list(a)
c.append(5)
print(len(a), len(c))  # expect: 4 5
