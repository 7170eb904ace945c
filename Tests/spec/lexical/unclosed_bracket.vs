let xs = [1, 2,
print(xs)
# expect error: unexpected end of input
# expect exit: 65
