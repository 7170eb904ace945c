let n = 3
print("count: " + n)
# expect error: cannot add string and int (operator +)
# expect error: use interpolation
# expect error: --> Tests/spec/operators/add_string_and_int.vs:2:17
# expect exit: 1
