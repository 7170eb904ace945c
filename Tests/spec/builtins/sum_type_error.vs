sum([1, "a"])
# expect error: cannot add int and string
