var a = "x"
let b = a
a += "y"
print(a, b)  # expect: xy x
