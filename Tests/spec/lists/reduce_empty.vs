print([].reduce(fn(a, b) { a + b }))
# expect error: reduce() of an empty list with no initial value
