let ops = {double: fn(x) { x * 2 }, name: "ops"}
print(ops.double(21))  # expect: 42
# A key named like a map method: the method wins when called, the key when read.
let tricky = {keys: "mine"}
print(tricky.keys)  # expect: mine
print(tricky.keys())  # expect: ["keys"]
