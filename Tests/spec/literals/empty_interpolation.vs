print("x ${} y")
# expect error: empty ${} in string
