let small = -9223372036854775807 - 1
let minus = -1
print(small % minus)
# expect error: integer overflow in %
