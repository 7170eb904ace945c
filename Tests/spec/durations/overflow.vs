let long = 100000d
print(long * 1000)
# expect error: integer overflow in *
