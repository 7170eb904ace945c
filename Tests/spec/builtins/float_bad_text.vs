float("abc")
# expect error: cannot convert "abc" to a float
