let big = 0x1_0000_0000_0000_0000
# expect error: is not a valid 64-bit integer
