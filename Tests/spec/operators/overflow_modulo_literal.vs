# The fast path for a literal right operand must not trap either.
let small = -9223372036854775807 - 1
print(small % -1)
# expect error: integer overflow in %
