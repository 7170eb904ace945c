let x = 3037000500
print(x * x)
# expect error: integer overflow in *
