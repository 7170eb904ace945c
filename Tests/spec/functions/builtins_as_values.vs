let f = len
print(f([1, 2]))  # expect: 2
print(len)  # expect: <builtin len>
print(["a", "bb"].map(len))  # expect: [1, 2]
