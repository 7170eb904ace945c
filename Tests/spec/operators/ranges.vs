print(0..<3)  # expect: 0..<3
print(list(0..<3))  # expect: [0, 1, 2]
print(list(1...3))  # expect: [1, 2, 3]
print(len(0..<10))  # expect: 10
print((2..<5).lower, (2..<5).upper, (2..<5).count)  # expect: 2 5 3
print((0..<10)[3])  # expect: 3
print(list(5..<2))  # expect: []
let n = 3
print(list(0..<n + 1))  # expect: [0, 1, 2, 3]
print(type(0..<1))  # expect: range
