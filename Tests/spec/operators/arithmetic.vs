print(1 + 2 * 3)  # expect: 7
print((1 + 2) * 3)  # expect: 9
print(7 / 2)  # expect: 3
print(-7 / 2)  # expect: -3
print(7 % 3)  # expect: 1
print(-7 % 3)  # expect: -1
print(7.0 / 2)  # expect: 3.5
print(7 / 2.0)  # expect: 3.5
print(2 * 1.5)  # expect: 3.0
print(5.5 % 2)  # expect: 1.5
print(10 - 3 - 2)  # expect: 5
print(100 / 10 / 5)  # expect: 2
print(-(3))  # expect: -3
print(- -3)  # expect: 3
print(type(1 + 1.0))  # expect: float
