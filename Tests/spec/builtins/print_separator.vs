print("a", "b", sep: "-")  # expect: a-b
print()  # expect:
print(1, nil, [1])  # expect: 1 nil [1]
