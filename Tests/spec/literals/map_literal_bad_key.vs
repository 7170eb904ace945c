let m = {[[1]]: 2}
# expect error: a list cannot be a map key
