try { print(1) } catch NOT_FUOND as e { print(e) }
# expect error: unknown error code NOT_FUOND
# expect error: did you mean "NOT_FOUND"?
# expect exit: 65
