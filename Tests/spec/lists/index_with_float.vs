let xs = [1, 2]
print(xs[1.0])
# expect error: list indexes must be integers or ranges, not float
