let s = "no end
print(s)
# expect error: unterminated string
# expect error: close it with " on the same line
# expect exit: 65
