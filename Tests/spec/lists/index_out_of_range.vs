let xs = [1, 2, 3]
print(xs[3])
# expect error: error[index]: index 3 is out of range for a list of 3 items
# expect error: valid indexes are 0 to 2 (or -1 for the last)
