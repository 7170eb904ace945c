let xs = [0, 1, 2, 3, 4]
print(xs[1..<3])  # expect: [1, 2]
print(xs[1...3])  # expect: [1, 2, 3]
print(xs[3..<99])  # expect: [3, 4]
print(xs[-2..<5])  # expect: [3, 4]
print(xs[4..<2])  # expect: []
let copy = xs[0..<5]
copy[0] = 100
print(xs[0])  # expect: 0
