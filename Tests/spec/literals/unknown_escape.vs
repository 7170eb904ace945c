print("bad \q escape")
# expect error: unknown escape \q
# expect error: the escapes are
# expect exit: 65
