print("abc"["a"])
# expect error: string indexes must be integers or ranges, not string
