map([[1, 2, 3]])
# expect error: map() needs a list of [key, value] pairs
