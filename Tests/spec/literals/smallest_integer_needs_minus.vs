print(1 - 9223372036854775808)
# expect error: integer literal 9223372036854775808 does not fit in 64 bits
# expect exit: 65
