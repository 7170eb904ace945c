print(sorted([3, 1, 2]), sorted({b: 1, a: 2}))  # expect: [1, 2, 3] ["a", "b"]
print(min([4, 2, 8]), max([4, 2, 8]), min(3, 1, 2), max("a", "b"))  # expect: 2 8 1 b
print(sum([1, 2, 3]), sum([0.5, 0.5]), sum([], 10))  # expect: 6 1.0 10
print(any([0, nil, 1]), all([1, "x"]), all([]), any([]))  # expect: true true true false
print(enumerate(["a", "b"]), enumerate(["x"], 1))  # expect: [[0, "a"], [1, "b"]] [[1, "x"]]
print(zip([1, 2, 3], ["a", "b"]))  # expect: [[1, "a"], [2, "b"]]
print(list("ab"), list({k: 1}), list(), map([["a", 1]]))  # expect: ["a", "b"] ["k"] [] {a: 1}
