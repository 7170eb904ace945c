let small = -9223372036854775807 - 1
print(small)  # expect: -9223372036854775808
print(small - 1)
# expect error: integer overflow in -
