# allowed: lists the only values the parameter takes.
param size = "huge", allowed: ["small", "large"]
print("never")
# expect error: error: parameter size: "huge" is not one of "small", "large"
# expect exit: 2
