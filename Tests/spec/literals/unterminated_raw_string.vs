let s = 'no end
# expect error: unterminated raw string
