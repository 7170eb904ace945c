int("1", 99)
# expect error: int(): base must be between 2 and 36
