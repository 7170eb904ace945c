json.decode("[1] x")
# expect error: invalid JSON at line 1, column 5: unexpected text after the value
