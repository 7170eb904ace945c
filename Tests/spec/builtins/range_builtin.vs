print(range(3), list(range(3)))  # expect: 0..<3 [0, 1, 2]
print(list(range(2, 5)))  # expect: [2, 3, 4]
print(range(0, 10, 3))  # expect: [0, 3, 6, 9]
print(range(5, 0, -2))  # expect: [5, 3, 1]
