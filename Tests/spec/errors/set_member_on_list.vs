let xs = [1]
xs.name = "x"
# expect error: cannot set members on a list
