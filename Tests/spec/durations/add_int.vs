print(5s + 1)
# expect error: cannot add duration and int
