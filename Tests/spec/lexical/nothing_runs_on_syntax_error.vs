# A file with a syntax error does not run at all.
print("should not print")
let = 1
# expect error: expected a name after let
# expect exit: 65
