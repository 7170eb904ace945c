param count = 3, default: 4
# expect error: unknown option default of parameter count
# expect exit: 65
