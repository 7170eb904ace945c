min([])
# expect error: min() of nothing
