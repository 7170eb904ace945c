let a = 9223372036854775807
let b = 1
print(a + b)
# expect error: integer overflow in +
