let m = {}
m[[1, 2]] = 3
# expect error: a list cannot be a map key
