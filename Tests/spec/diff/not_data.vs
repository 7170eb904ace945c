# Plain values have no fields to compare: == compares them.
print(diff(1, {a: 1}))
# expect error: diff() compares maps and objects with fields, but its left side is int
# expect error: to compare two plain values use ==
