len = 5
# expect error: cannot assign to the builtin len
