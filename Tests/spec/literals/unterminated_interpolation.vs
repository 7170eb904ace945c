print("x ${1 + 2")
# expect error: unterminated
