let r = 0..<"3"
# expect error: range bounds must be integers
