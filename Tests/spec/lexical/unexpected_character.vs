let a = true & false
# expect error: unexpected character "&"
# expect error: use `and` for logical and
# expect exit: 65
