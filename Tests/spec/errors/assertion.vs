assert(1 + 1 == 2, "math works")
print("passed")  # expect: passed
assert(len([1, 2]) == 3, "expected three items")
# expect error: error[assertion]: expected three items
# expect error: --> Tests/spec/errors/assertion.vs:3:1
# expect exit: 1
