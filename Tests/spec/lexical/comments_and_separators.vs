# A comment on its own line.
print("a")  # a comment after code
let x = 1; let y = 2; print(x + y)
# expect: a
# expect: 3
print("# not a comment")  # expect: # not a comment
