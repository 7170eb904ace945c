print("abc".contains(1))
# expect error: string.contains(): argument text must be a string, not int
