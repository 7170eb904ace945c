let xs = freeze([1, 2])
xs[0] = 5
# expect error: error[value]: cannot change a frozen value
