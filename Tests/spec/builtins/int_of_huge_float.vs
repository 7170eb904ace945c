int(1e300)
# expect error: does not fit in an int
