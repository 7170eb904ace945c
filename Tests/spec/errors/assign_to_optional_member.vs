let m = {}
m?.x = 1
# expect error: cannot assign to this expression
