let xs = [1, 2]
print(lne(xs))
# expect error: error[name]: unknown name lne
# expect error: did you mean "len"?
# expect exit: 65
