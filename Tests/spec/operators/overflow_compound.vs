var n = 9223372036854775800
for i in 0..<10 { n += 1 }
# expect error: integer overflow in +
