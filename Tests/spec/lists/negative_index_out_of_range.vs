let xs = [1, 2, 3]
print(xs[-4])
# expect error: index -4 is out of range
