try { print(1) } catch NOT_FOUND err { print(2) }
# expect error: expected as before the error's name err
# expect error: catch NOT_FOUND as err { ... }
# expect exit: 65
