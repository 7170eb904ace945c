print("value: ${vaule}")
let value = 1
# expect error: unknown name vaule
# expect error: did you mean "value"?
# expect exit: 65
