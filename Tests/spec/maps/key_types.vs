let m = {}
m[1] = "int"
m["1"] = "string"
m[true] = "bool"
print(len(m), m[1], m["1"], m[true])  # expect: 3 int string bool
print(1 in m, 2 in m)  # expect: true false
