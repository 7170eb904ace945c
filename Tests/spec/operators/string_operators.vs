print("ab" + "cd")  # expect: abcd
print("ab" * 3)  # expect: ababab
print("x" * 0)  # expect:
print([1] + [2, 3])  # expect: [1, 2, 3]
print({a: 1} + {b: 2, a: 3})  # expect: {a: 3, b: 2}
