let xs = []
xs[0] = 1
# expect error: index 0 is out of range for a list of 0 items
# expect error: use .append(x) to add at the end
