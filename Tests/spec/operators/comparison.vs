print(1 < 2, 2 <= 2, 3 > 4, 4 >= 5)  # expect: true true false false
print("abc" < "abd")  # expect: true
print(1 < 1.5)  # expect: true
print([1, 2] < [1, 3])  # expect: true
print([1, 2] < [1, 2, 0])  # expect: true
print(5s < 1m)  # expect: true
print(false < true)  # expect: true
