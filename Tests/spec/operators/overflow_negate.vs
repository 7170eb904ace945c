let small = -9223372036854775807 - 1
print(-small)
# expect error: integer overflow
