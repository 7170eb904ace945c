let s = "abc" * 1000000000000
# expect error: cannot repeat a string 1000000000000 times
