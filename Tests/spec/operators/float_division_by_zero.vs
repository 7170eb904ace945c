print(1.0 / 0)
# expect error: division by zero
