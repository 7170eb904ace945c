let zero = 0
print(10 / zero)
# expect error: error[arithmetic]: division by zero
# expect exit: 1
