let s = "x"
print(-s)
# expect error: cannot negate a string
