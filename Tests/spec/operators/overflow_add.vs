let big = 9223372036854775807
print(big - 1 + 1)  # expect: 9223372036854775807
print(big + 1)
# expect error: error[arithmetic]: integer overflow in +
# expect error: integers are 64-bit
# expect exit: 1
