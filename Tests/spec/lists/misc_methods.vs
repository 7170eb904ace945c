let xs = [1, 2, 2, 3, 1]
print(xs.contains(2), xs.contains(9))  # expect: true false
print(xs.indexOf(2), xs.indexOf(9))  # expect: 1 -1
print(xs.unique())  # expect: [1, 2, 3]
print(xs.reversed())  # expect: [1, 3, 2, 2, 1]
print(xs.join("+"))  # expect: 1+2+2+3+1
let c = xs.copy()
c.append(0)
print(len(xs), len(c))  # expect: 5 6
