print([])  # expect: []
print([1, "two", 3.0, nil, true])  # expect: [1, "two", 3.0, nil, true]
print([[1, 2], [3]])  # expect: [[1, 2], [3]]
print([1, 2,])  # expect: [1, 2]
print(type([]))  # expect: list
