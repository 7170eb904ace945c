print(10 % 0)
# expect error: division by zero (in %)
