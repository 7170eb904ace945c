param count: int = 1.5
# expect error: the default of parameter count is a float, where the type is int
# expect exit: 1
