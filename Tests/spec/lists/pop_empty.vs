let xs = []
xs.pop()
# expect error: pop() from an empty list
