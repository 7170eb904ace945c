print(len("abc"), len([1, 2]), len({a: 1}), len(0..<4))  # expect: 3 2 1 4
print(type(1), type("s"), type([]), type({}), type(len), type(fn() {}), type(1s))  # expect: int string list map function function duration
