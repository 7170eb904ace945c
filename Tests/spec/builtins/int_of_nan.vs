let nan = float("nan")
print(nan)  # expect: nan
int(nan)
# expect error: does not fit in an int
