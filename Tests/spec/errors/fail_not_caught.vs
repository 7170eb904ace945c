# fail() is not an error a catch takes: the run ends.
try { fail("out", code: 4) } catch err { print("caught") }
print("after")
# expect error: out
# expect exit: 4
