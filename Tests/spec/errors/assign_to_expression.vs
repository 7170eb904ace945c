f() = 1
# expect error: cannot assign to this expression
# expect exit: 65
